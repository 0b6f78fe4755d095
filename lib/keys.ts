/**
 * Keyboard keys for class buttons: digits 1–9 then 0 for the first ten
 * classes, then letters that do not collide with the labeling shortcuts
 * (S skip, Z undo with Ctrl).
 */
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
const RESERVED = new Set(['s', 'z']);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('').filter((c) => !RESERVED.has(c));

export const MAX_KEYED_CLASSES = DIGITS.length + LETTERS.length;

/** The key for each class, in order; classes past the last key get none. */
export function classKeys(classes: readonly string[]): (string | null)[] {
  return classes.map((_, i) => {
    if (i < DIGITS.length) return DIGITS[i];
    const j = i - DIGITS.length;
    return j < LETTERS.length ? LETTERS[j] : null;
  });
}

/**
 * MNIST-like projects whose classes are the digits 0–9 get each digit on its
 * own key (press 7 for "7"); everything else uses positional keys.
 */
export function keyMap(classes: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  const digitsAreClasses = classes.length <= 10 && classes.every((c) => /^[0-9]$/.test(c));
  const keys = digitsAreClasses ? classes.map((c) => c) : classKeys(classes);
  classes.forEach((c, i) => {
    const k = keys[i];
    if (k) map.set(k, c);
  });
  return map;
}
