'use client';

import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Answer, ProjectTask } from '@/lib/tasks';
import { answerOfDraft, draftOf, draftSpecOf } from '@/lib/tasks/drafts';
import { SpatialCanvas, type ImageSize } from './SpatialCanvas';
import { useLocalDraft } from './useLocalDraft';

export interface AnswerEditorProps {
  task: ProjectTask;
  itemId: number;
  size: ImageSize | null;
  /** Where the answer starts (the consensus, an annotator's answer, the model's prelabel), or nothing. Read once, at mount. */
  start: Answer | null;
  /** How shapes that came from the start are marked in the list ("consensus", "model"). */
  fromLabel: string;
  /** The answer as it stands after each edit. */
  onChange?(answer: Answer): void;
  /** Enter or the button: the answer as it stands. */
  onSubmit(answer: Answer): void;
  submitLabel: ReactNode;
  submitText: string;
  submitDisabled?: boolean;
  beforeSubmit?: ReactNode;
  afterSubmit?: ReactNode;
}

/**
 * The labeling page's box and skeleton editor on its own: an image, the project's task, a starting
 * answer in, the edited answer out. No lease, no server draft, no next item: for a lead who draws
 * an answer on the review or item page (the page decides what saving means).
 */
export function AnswerEditor({ task, itemId, size, start, fromLabel, onChange, onSubmit, ...rest }: AnswerEditorProps) {
  const spec = useMemo(() => draftSpecOf(task), [task]);
  const [initial] = useState(() => draftOf(start));
  const { state, shapes, editable } = useLocalDraft(itemId, initial, 'none');
  const [image, setImage] = useState<ImageSize | null>(size);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    if (spec) changed.current?.(answerOfDraft(spec, shapes, image));
  }, [spec, shapes, image]);

  if (!spec) return <p className="error" role="alert">This project&apos;s answers are not drawn: there is nothing to edit on the image.</p>;
  return (
    <SpatialCanvas
      spec={spec} itemId={itemId} size={size} draft={{ state, shapes, editable }}
      submit={(img) => { if (img) setImage(img); onSubmit(answerOfDraft(spec, shapes, img ?? image)); }}
      skip={null} active fromLabel={fromLabel}
      frameData={{ link: 'local', prelabel: start ? 'given' : 'none' }}
      {...rest}
    />
  );
}
