/** Round tick values from 0 to at least `max`, at most about `count` of them (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(max: number, count: number): number[] {
  const raw = Math.max(max, 1) / Math.max(count - 1, 1);
  const pow = 10 ** Math.floor(Math.log10(raw));
  // Labels are whole numbers: no step below 1.
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow);
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) {
    ticks.push(Number(t.toPrecision(12)));
    if (t >= max) break;
  }
  return ticks;
}
