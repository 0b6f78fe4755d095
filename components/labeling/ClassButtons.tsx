'use client';

interface Props {
  classes: string[];
  keys: [string, string][];
  disabled: boolean;
  onPick(cls: string): void;
}

/** One button per class with its key; the keyboard is the fast path, the mouse works too. */
export function ClassButtons({ classes, keys, disabled, onPick }: Props) {
  const keyOf = new Map(keys.map(([k, c]) => [c, k]));
  return (
    <div className="class-buttons" role="group" aria-label="classes">
      {classes.map((c) => (
        <button key={c} type="button" disabled={disabled} onClick={() => onPick(c)} data-class={c}>
          <span className="class-name">{c}</span>
          {keyOf.get(c) && <kbd>{keyOf.get(c)!.toUpperCase()}</kbd>}
        </button>
      ))}
    </div>
  );
}
