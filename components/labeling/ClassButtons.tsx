'use client';

import type { Suggestion } from '@/lib/tasks/suggestion';

interface Props {
  classes: string[];
  keys: [string, string][];
  disabled: boolean;
  onPick(cls: string): void;
  /** The model's suggestion for the item on screen: its class is highlighted with its probability. */
  suggested?: Suggestion | null;
}

/** One button per class with its key; the keyboard is the fast path, the mouse works too. */
export function ClassButtons({ classes, keys, disabled, onPick, suggested = null }: Props) {
  const keyOf = new Map(keys.map(([k, c]) => [c, k]));
  return (
    <div className="class-buttons" role="group" aria-label="classes">
      {classes.map((c) => {
        const isSuggested = suggested?.label === c;
        return (
          <button
            key={c} type="button" disabled={disabled} onClick={() => onPick(c)} data-class={c}
            className={isSuggested ? 'suggested' : undefined} data-suggested={isSuggested || undefined}
            title={isSuggested ? (suggested!.confidence === null ? 'imported as this class, to confirm (Enter)' : `the model's suggestion: ${Math.round(suggested!.confidence * 100)}% sure (Enter)`) : undefined}
          >
            <span className="class-name">{c}</span>
            {keyOf.get(c) && <kbd>{keyOf.get(c)!.toUpperCase()}</kbd>}
            {isSuggested && suggested!.confidence !== null && <span className="suggested-p">{Math.round(suggested!.confidence * 100)}%</span>}
          </button>
        );
      })}
    </div>
  );
}
