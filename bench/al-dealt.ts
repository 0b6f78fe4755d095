/**
 * `npm run bench:al-dealt`: what annotators of the product get from a cold start, dealt by the
 * server's own dealer. bench:al measures the strategies' picks straight from the training round;
 * here every item an annotator labels is one `dealBatch` (lib/queue/deal.ts) handed out, with the
 * project's default queue settings (batch 10, a holdout slot in each batch, the cold stream until
 * `auto` trusts the model), from the ranking the trainer's own round (`trainRound` with the batch
 * of 50 and the dealt step the worker uses, `rankPool`) made on the labels so far:
 *
 *   1. the first ranking is made before any label (the server queues it at import);
 *   2. each of TEAM annotators claims a batch in turn from the same ranking (they work at once),
 *      and labels it (the oracle's answer); a holdout item's label measures, never trains;
 *   3. then the trainer retrains and the next round is dealt from its ranking. The model is
 *      measured after every batch (a retrain on the labels so far, as the server asks one every
 *      10 labels), so a team's curve has a point per batch too.
 *
 * Two arms on the same seeds and holdout: `auto` (the default project) and `random` (a project
 * whose strategy is random and cold stream random). Accuracy is measured after each retrain on
 * every holdout row, as bench:al measures it. Reported per seed: training labels and all labels
 * spent (holdout ones included) when accuracy first reaches 90%.
 *
 * The features are the trainer's (two views: PCA-50 → UMAP-10 of the pixels and of their HOG
 * descriptors), read from bench:al's cache (bench/.tmp/al-umap-views-features-mnist.bin) or built
 * (about 75 s).
 *
 *   DEALT_SEEDS=10   seeds (holdout draw, rounds, batches)
 *   DEALT_TEAM=1     annotators claiming in turn between retrains
 *   DEALT_BUDGET=60  labels spent per seed (holdout included)
 *   DEALT_ARMS=auto,random
 */
import { rankPool } from '../lib/al/ranking';
import { confidence, margin } from '../lib/al/uncertainty';
import { holdoutMetrics, trainRound, type HeadChoice } from '../lib/model';
import { batchSeed, dealBatch } from '../lib/queue/deal';
import type { RankingView } from '../lib/queue/input';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../lib/queue/settings';
import { drawHoldout, roundSeed } from '../lib/sim/simulate';
import { datasetFeatures, mnistDataset } from '../server/cli/simulate';
import { umapCacheFile, umapFeatures } from './al-features';
import { machine } from './stats';

const SEEDS = Number(process.env.DEALT_SEEDS ?? 10);
const TEAM = Number(process.env.DEALT_TEAM ?? 1);
const BUDGET = Number(process.env.DEALT_BUDGET ?? 60);
const ARMS = (process.env.DEALT_ARMS ?? 'auto,random').split(',').map((x) => x.trim()) as ('auto' | 'random')[];
/** The trainer's batch (workers/trainer/train.ts BATCH). */
const TRAINER_BATCH = 50;
const TARGET = 0.9;

const ds = mnistDataset();
const features = umapFeatures(() => datasetFeatures(ds), umapCacheFile('mnist'));
const { n } = ds.rows;
const k = ds.classes.length;

interface ArmResult { trainingLabels: number | null; spent: number | null; curve: [number, number, number][]; firstBatchClasses: number }

function run(arm: 'auto' | 'random', seed: number): ArmResult {
  const settings: QueueSettings = { ...DEFAULT_QUEUE_SETTINGS, ...(arm === 'random' ? { cold: 'random' as const } : {}) };
  const holdout = drawHoldout({ truth: ds.truth }, 0.2, seed);
  const isHoldout = new Uint8Array(n);
  for (const r of holdout) isHoldout[r] = 1;
  const train = new Int32Array(n).fill(-1);
  const labeledBy = new Map<number, number>();
  const mine: number[][] = Array.from({ length: TEAM }, () => []);
  const batches = new Int32Array(TEAM);
  let spent = 0;
  let trusted = false;
  let previous: HeadChoice | undefined;
  let ranking: RankingView | undefined;
  const curve: [number, number, number][] = [];
  let firstBatchClasses = 0;

  /** The trainer's round on the labels so far; `deal`: its ranking becomes the one dealt from (else it only measures). */
  const retrain = (round: number, deal = true) => {
    const candidates: number[] = [];
    for (let i = 0; i < n; i++) if (!isHoldout[i] && train[i] < 0 && !labeledBy.has(i)) candidates.push(i);
    const r = trainRound({
      features, labels: train, k, candidates: Int32Array.from(candidates), strategy: arm, batch: TRAINER_BATCH, step: settings.batchSize,
      seed: roundSeed(seed, round), heads: { choose: 'auto', previous, pixels: ds.rows }, trustedBefore: trusted,
    });
    if (!deal) return r;
    previous = r.head;
    if (r.trust?.phase === 'spaced-margin') trusted = true;
    const ranked = rankPool({ candidates: Int32Array.from(candidates), selection: r.selection, uncertainty: margin(r.probs) });
    const score = new Float32Array(n).fill(NaN);
    ranked.order.forEach((row, j) => { score[row] = ranked.score[j]; });
    const predicted = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let c = 1; c < k; c++) if (r.probs.data[i * k + c] > r.probs.data[i * k + predicted[i]]) predicted[i] = c;
    }
    ranking = { version: round + 1, strategy: arm, score, predicted, confidence: confidence(r.probs), byScore: ranked.order, lead: ranked.order.slice(0, ranked.lead) };
    return r;
  };

  retrain(0);
  for (let round = 1; spent < BUDGET; round++) {
    for (let a = 0; a < TEAM && spent < BUDGET; a++) {
      const labeled = Int32Array.from(labeledBy.keys());
      const batch = dealBatch({
        n, ranking, trusted: arm === 'random' ? false : trusted, embeddings: features.embeddings,
        labeled: { item: labeled, count: Int32Array.from(labeled, () => 1) },
        mine: Int32Array.from(mine[a]),
        holdout: { item: holdout, group: Int32Array.from(holdout, (_, j) => j) },
        settings, want: Math.min(settings.batchSize, BUDGET - spent), seed: batchSeed(seed, a + 1, batches[a]++),
      });
      if (round === 1 && a === 0) firstBatchClasses = new Set(batch.assignments.filter((x) => !isHoldout[x.item]).map((x) => ds.truth[x.item])).size;
      for (const { item } of batch.assignments) {
        labeledBy.set(item, a);
        mine[a].push(item);
        if (!isHoldout[item]) train[item] = ds.truth[item];
        spent++;
      }
      // Measured after every batch; the ranking the team is dealt from changes once all have claimed.
      const last = a === TEAM - 1 || spent >= BUDGET;
      const r = retrain(round, last);
      let trainingLabels = 0;
      for (let i = 0; i < n; i++) if (train[i] >= 0) trainingLabels++;
      curve.push([trainingLabels, spent, holdoutMetrics(r.probs, ds.truth, holdout).accuracy]);
    }
  }
  const hit = curve.find(([, , acc]) => acc >= TARGET);
  return { trainingLabels: hit?.[0] ?? null, spent: hit?.[1] ?? null, curve, firstBatchClasses };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const lines = [
  `# bench:al-dealt — ${new Date().toISOString().slice(0, 10)}; ${machine()}`,
  '',
  `MNIST (${n} digits of the mnist package), holdout 0.2, the trainer's two-view features; default queue settings (batch ${DEFAULT_QUEUE_SETTINGS.batchSize}, holdout share ${DEFAULT_QUEUE_SETTINGS.holdoutShare}); team of ${TEAM}; budget ${BUDGET} labels spent; seeds 1–${SEEDS}. Command: \`DEALT_SEEDS=${SEEDS} DEALT_TEAM=${TEAM} DEALT_BUDGET=${BUDGET} npm run bench:al-dealt\``,
  '',
  '| Arm | Seed | Classes in the first dealt batch | Training labels to 90% | All labels spent to 90% | Accuracy after each retrain (training labels: accuracy) |',
  '|---|---|---|---|---|---|',
];
const summary: string[] = [];
for (const arm of ARMS) {
  const toTarget: number[] = [];
  const spentTo: number[] = [];
  let reached = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const t0 = Date.now();
    const r = run(arm, seed);
    if (r.trainingLabels !== null) { reached++; toTarget.push(r.trainingLabels); spentTo.push(r.spent!); }
    const line = `| ${arm} | ${seed} | ${r.firstBatchClasses} | ${r.trainingLabels ?? `> ${r.curve.at(-1)?.[0]}`} | ${r.spent ?? `> ${BUDGET}`} | ${r.curve.map(([t, , acc]) => `${t}: ${acc.toFixed(3)}`).join(', ')} |`;
    lines.push(line);
    process.stderr.write(`${line} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  summary.push(`- **${arm}**: reached 90% in ${reached} of ${SEEDS} seeds within ${BUDGET} labels spent; median training labels to 90% ${toTarget.length ? median(toTarget) : '–'} (over the seeds that reached it), all labels spent ${spentTo.length ? median(spentTo) : '–'}.`);
}
process.stdout.write([...lines, '', ...summary, ''].join('\n'));
