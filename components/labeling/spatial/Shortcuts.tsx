'use client';

import { useContext } from 'react';
import type { DraftSpec } from '@/lib/tasks/drafts';
import { OpenGuidelines } from '../../guidelines/context';

type Row = [keys: string[], what: string];

const COMMON: Row[] = [
  [['Ctrl', 'Z'], 'undo'],
  [['Ctrl', 'Shift', 'Z'], 'redo'],
  [['wheel'], 'zoom at the cursor'],
  [['+', '−'], 'zoom in, out (×2)'],
  [['0'], 'actual pixels (100 %)'],
  [['Space', 'drag'], 'pan'],
  [['F'], 'fit the image'],
];

const BOXES: Row[] = [
  [['drag'], 'draw a box (on empty image)'],
  [['1–9'], 'class of the selected box and the next one'],
  [['←↑→↓'], 'nudge 1 px (Shift: 10 px)'],
  [['D'], 'duplicate'],
  [['Del'], 'delete'],
];

const SKELETON: Row[] = [
  [['N'], 'new skeleton: click its points in order'],
  [['X'], 'while placing: this point is not visible'],
  [['drag'], 'a point; the dashed area moves the whole skeleton'],
  [['V'], 'visible → occluded → not visible'],
  [['L'], 'swap left and right'],
  [['←↑→↓'], 'nudge the point or skeleton (Shift: 10 px)'],
  [['D'], 'duplicate'],
  [['Del'], 'delete the skeleton'],
];

/** The keyboard, on the page. */
export function Shortcuts({ spec, submitText, canSkip }: { spec: DraftSpec; submitText: string; canSkip: boolean }) {
  const rows: Row[] = [
    [['Enter'], submitText], ...(spec.kind === 'boxes' ? BOXES : SKELETON), ...COMMON, ...(canSkip ? [[['S'], 'skip this image'] as Row] : []),
  ];
  // The project's guidelines, where the page has them (the labeling page; not a lead's review editor).
  const openGuidelines = useContext(OpenGuidelines);
  return (
    <details className="shortcuts" open>
      <summary>Keyboard</summary>
      {openGuidelines && (
        <p className="sheet-guidelines"><button type="button" data-testid="sheet-guidelines" onClick={() => openGuidelines()}>Read the guidelines</button></p>
      )}
      <dl>
        {rows.map(([keys, what]) => (
          <div key={what}>
            <dt>{keys.map((k) => <kbd key={k}>{k}</kbd>)}</dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
