import dynamic from 'next/dynamic';
import type { ComponentType } from 'react';
import type { ProjectTask, TaskTypeName } from '@/lib/tasks';
import { ClassificationEditor } from './ClassificationEditor';
import type { EditorProps } from './editor-props';

// fabric touches `window` when it loads: the canvas editor is loaded in the browser only.
const SpatialEditor = dynamic(() => import('./spatial/SpatialEditor').then((m) => m.SpatialEditor), { ssr: false });

interface EditorEntry {
  Editor: ComponentType<EditorProps>;
  /** The key that takes back the last submitted label, when the editor does not use it for itself. */
  undoKey: string | null;
  /** The editor keeps a draft of the item on screen (a Y.Doc): a reload must bring the same item back. */
  keepsDraft: boolean;
}

/** Which editor labels each task type (the only place the page looks at the task's name). */
const EDITORS: Record<TaskTypeName, EditorEntry> = {
  classification: { Editor: ClassificationEditor, undoKey: '⌫', keepsDraft: false },
  boxes: { Editor: SpatialEditor, undoKey: null, keepsDraft: true },
  keypoints: { Editor: SpatialEditor, undoKey: null, keepsDraft: true },
};

export const editorFor = (task: ProjectTask): EditorEntry => EDITORS[task.task];
