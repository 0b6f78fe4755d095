import type { ReactNode } from 'react';
import type { ProjectTask } from '@/lib/tasks';
import type { HeldItem } from './api';
import type { LabelingLoop } from './loop/useLabelingLoop';

/**
 * What every task type's editor is given: the project's task, the item on screen and those
 * prefetched after it, and the loop to submit through. An editor owns its keyboard (a digit is
 * a class here and a box's class there) and renders inside the page's stage.
 */
export interface EditorProps {
  projectId: number;
  task: ProjectTask;
  /** Null while nothing is on screen (loading, or the queue has nothing): `placeholder` says which. */
  current: HeldItem | null;
  upcoming: HeldItem[];
  placeholder: ReactNode;
  loop: LabelingLoop;
  /** The project wants the model's suggestion shown (classification draws it; the server decides per item). */
  suggestions?: boolean;
}
