import { mulberry32 } from '../random';
import { isHard, type MainKind, type StreamKind } from './streams';

/** The streams mixed into the main one at a share each. */
export const SPECIAL_KINDS = ['gold', 'overlap', 'holdout', 'easy'] as const;
export type SpecialKind = (typeof SPECIAL_KINDS)[number];

export interface PlanInput {
  slots: number;
  main: MainKind;
  shares: Record<SpecialKind, number>;
  /** Items each special stream can supply now. */
  capacity: Record<SpecialKind, number>;
  maxHardInARow: number;
  /** The annotator's recent streams, oldest first. */
  history: readonly StreamKind[];
  seed: number;
}

/**
 * Decides the stream of each slot of a batch before any item is chosen. Each special stream
 * keeps a running deficit over the history and the batch so far,
 * `share × (dealt + 1) + θ − count`, and takes the slot when its deficit reaches 1 (the
 * largest deficit wins; ties go to gold, overlap, holdout, easy in that order). That is
 * error diffusion: the shares hold over any window to within one item, picks of a stream are
 * evenly spaced (1 in 5 means every fifth item, not bursts), and θ, a seeded phase in [0, 1)
 * drawn per batch, keeps a fractional share (2.5 per batch) right on average when there is
 * no history. A stream takes at most ⌈share × slots⌉ slots of one batch, so a stream that
 * was empty for a while (and built up a deficit) comes back gradually, and never more than
 * it can supply. Hard run rule: once the last maxHardInARow items (history included) are
 * all hard, the next slot is easy while easy items remain, whatever the deficits say; with
 * an easy share of 0 easy items are off and so is the rule.
 */
export function planSlots(p: PlanInput): StreamKind[] {
  const rng = mulberry32(p.seed);
  const theta = Object.fromEntries(SPECIAL_KINDS.map((k) => [k, rng()])) as Record<SpecialKind, number>;
  const count: Record<SpecialKind, number> = { gold: 0, overlap: 0, holdout: 0, easy: 0 };
  let run = 0;
  for (const kind of p.history) {
    if (kind !== 'uncertain' && kind !== 'cold') count[kind]++;
    run = isHard(kind) ? run + 1 : 0;
  }
  const used: Record<SpecialKind, number> = { gold: 0, overlap: 0, holdout: 0, easy: 0 };
  const limit = (k: SpecialKind) => Math.min(p.capacity[k], Math.ceil(p.shares[k] * p.slots - 1e-9));
  const out: StreamKind[] = [];
  for (let j = 0; j < p.slots; j++) {
    const dealt = p.history.length + j;
    let kind: StreamKind = p.main;
    if (p.shares.easy > 0 && run >= p.maxHardInARow && used.easy < p.capacity.easy) kind = 'easy';
    else {
      let best = 0;
      for (const k of SPECIAL_KINDS) {
        if (p.shares[k] <= 0 || used[k] >= limit(k)) continue;
        const deficit = p.shares[k] * (dealt + 1) + theta[k] - count[k];
        if (deficit >= 1 && deficit > best) {
          best = deficit;
          kind = k;
        }
      }
    }
    if (kind !== 'uncertain' && kind !== 'cold') {
      count[kind]++;
      used[kind]++;
    }
    run = isHard(kind) ? run + 1 : 0;
    out.push(kind);
  }
  return out;
}
