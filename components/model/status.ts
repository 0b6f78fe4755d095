import type { ReliabilityBin } from '@/lib/model/evidence';
import { accuracyInterval, type Interval } from '@/lib/model/wilson';
/**
 * The model's state as `GET /api/projects/:id/model` sends it (server/services/training.ts
 * `status()`), and the words the badge and the model page use for it. Pure: no fetch, no clock.
 */

export interface HoldoutMetrics {
  accuracy: number;
  macroF1: number;
  logLoss: number;
  ece: number;
  holdoutSize: number;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
}

/** One model version on the learning curve; the metrics are absent when no holdout item was labeled yet. */
export type CurvePoint = { labels: number } & Partial<HoldoutMetrics> & { uncertaintyAuroc?: number | null; reliability?: ReliabilityBin[]; churn?: VersionEvidence['churn'] };

export interface NextItem {
  itemId: number;
  score: number;
  predicted: string | null;
  confidence: number | null;
  /** The model's uncertainty in [0, 1]; null from a trainer that does not send it (absent from an older server). */
  uncertainty?: number | null;
}

/** Counts of the ranking's open items in equal bins over [0, 1], and those without an uncertainty. */
export interface UncertaintyHistogram {
  bins: number[];
  unknown: number;
}

export interface ModelStatus {
  /** Items with a standing label now. */
  labels: number;
  ranking: {
    id: number; labelCount: number; behind: number; strategy: string; at: string;
    /** The embedding space the ranking names (the dealer spreads batches in it); absent from an older server. */
    embeddingSpace?: string | null;
    /** Items the ranking orders; absent from an older server. */
    entries?: number;
    /** `diversity`: no model made it (no entry carries a guess): items ordered by diversity over image embeddings. Absent: `model`. */
    kind?: 'model' | 'diversity';
  } | null;
  model: { id: number; backend: string; model: string; labelCount: number; metrics: Record<string, unknown> } | null;
  job: { id: number; state: JobState; attempts: number; progress: JobProgress | null; error: string | null; worker: string | null } | null;
  curve: CurvePoint[];
  next: NextItem[];
  /** Null without a ranking (absent from an older server). */
  uncertainty?: UncertaintyHistogram | null;
}

/** The holdout metrics of a version, or null when it has none (no holdout label yet). */
export function holdoutMetrics(m: Record<string, unknown> | Partial<HoldoutMetrics> | null | undefined): HoldoutMetrics | null {
  if (!m || typeof m.accuracy !== 'number' || typeof m.macroF1 !== 'number') return null;
  const num = (x: unknown, fallback: number) => (typeof x === 'number' ? x : fallback);
  return { accuracy: m.accuracy, macroF1: m.macroF1, logLoss: num(m.logLoss, NaN), ece: num(m.ece, NaN), holdoutSize: num(m.holdoutSize, 0) };
}

export type { ReliabilityBin } from '@/lib/model/evidence';

/** What a version says about its uncertainty (the trainer's evidence, see lib/model/evidence.ts); fields absent from an older trainer. */
export interface VersionEvidence {
  uncertaintyAuroc: number | null;
  reliability: ReliabilityBin[] | null;
  churn: { topOverlap: number | null; rankCorrelation: number | null; labeledStillUncertain: number | null } | null;
  /** With the auto strategy: which phase chose this version's batch. */
  autoPhase: 'cold-start' | 'spaced-margin' | null;
  /** With the auto strategy: the model's cross-validated accuracy on its labels that decided the phase; null when not measured or nothing could be tested. */
  labeledAccuracy: number | null;
}

/** The evidence in a version's metrics, or null when the trainer sent none. */
export function versionEvidence(m: Record<string, unknown> | null | undefined): VersionEvidence | null {
  if (!m || !('uncertaintyAuroc' in m || 'reliability' in m || 'churn' in m)) return null;
  const numOrNull = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const bins = Array.isArray(m.reliability) ? (m.reliability as ReliabilityBin[]).filter((b) => b && typeof b.lo === 'number' && typeof b.hi === 'number') : null;
  const c = m.churn && typeof m.churn === 'object' ? (m.churn as Record<string, unknown>) : null;
  return {
    uncertaintyAuroc: numOrNull(m.uncertaintyAuroc),
    reliability: bins,
    churn: c ? { topOverlap: numOrNull(c.topOverlap), rankCorrelation: numOrNull(c.rankCorrelation), labeledStillUncertain: numOrNull(c.labeledStillUncertain) } : null,
    autoPhase: m.autoPhase === 'cold-start' || m.autoPhase === 'spaced-margin' ? m.autoPhase : null,
    labeledAccuracy: numOrNull(m.labeledAccuracy),
  };
}

/** Which candidate head made a version and the cross-validation behind it (HoldoutMetrics.head in lib/protocol/worker.ts). */
export interface VersionHead {
  head: string;
  reason: 'cv' | 'reused' | 'too-few-labels' | 'forced';
  labelCount: number;
  folds: number;
  scores: { head: string; accuracy: number; standardError: number }[];
}

const HEAD_REASONS: readonly string[] = ['cv', 'reused', 'too-few-labels', 'forced'];

/** A version's head choice, or null when its trainer sent none (an older one: label spreading). The server validated it on the way in. */
export function versionHead(m: Record<string, unknown> | null | undefined): VersionHead | null {
  const h = m?.head as Partial<VersionHead> | undefined;
  if (!h || typeof h.head !== 'string' || !HEAD_REASONS.includes(h.reason as string)) return null;
  const scores = Array.isArray(h.scores) ? h.scores.filter((s) => s && typeof s.head === 'string' && typeof s.accuracy === 'number' && typeof s.standardError === 'number') : [];
  return { head: h.head, reason: h.reason!, labelCount: typeof h.labelCount === 'number' ? h.labelCount : 0, folds: typeof h.folds === 'number' ? h.folds : 0, scores };
}

/** "91.2%"; a dash for a missing number. */
export function percent(x: number | null | undefined, digits = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–';
}

export function fixed(x: number | null | undefined, digits = 3): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–';
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The 95% Wilson interval of a holdout accuracy (lib/model/wilson.ts); null without holdout items. */
export function accuracyRange(m: Pick<HoldoutMetrics, 'accuracy' | 'holdoutSize'>): Interval | null {
  return accuracyInterval(m.accuracy, m.holdoutSize);
}

/** "38–96%": an interval in whole percents, as wide as it is (a tiny holdout's is). */
export function rangeWords(ci: Interval): string {
  return `${Math.round(ci.lo * 100)}–${Math.round(ci.hi * 100)}%`;
}

/** "80.0% holdout accuracy on 5 items (95% interval 38–96%)": the size first, so a tiny holdout reads as one. */
export function accuracyWords(m: Pick<HoldoutMetrics, 'accuracy' | 'holdoutSize'>): string {
  const ci = accuracyRange(m);
  return `${percent(m.accuracy)} holdout accuracy${m.holdoutSize > 0 ? ` on ${plural(m.holdoutSize, 'item')}` : ''}${ci ? ` (95% interval ${rangeWords(ci)})` : ''}`;
}

/** The compute part of a backend description: "cpu: typed-array label spreading" → "cpu". */
/**
 * The badge's word for the compute behind a model version: where it ran and on what, from
 * the trainer's full backend string (e.g. "label spreading (typed arrays) + tfjs 4.22.0 wasm
 * (cpu, simd) MC-dropout head"), which the model page shows whole.
 */
export function shortBackend(backend: string): string {
  if (/tfjs-node-gpu|tensorflow, CUDA/.test(backend)) return 'GPU (tfjs-node-gpu)';
  if (/\bwasm\b/.test(backend)) return 'CPU (tfjs wasm)';
  if (/onnxruntime/.test(backend)) return 'CPU (onnxruntime)';
  const head = backend.split(':')[0].trim() || backend;
  return head.length > 32 ? `${head.slice(0, 31)}…` : head;
}

export interface HistogramBar {
  from: number;
  to: number;
  count: number;
  /** Of the items with an uncertainty. */
  share: number;
}

/**
 * The bars of an uncertainty histogram, how many items they hold, and the
 * share at 0.5 or more (where the model is unsure); null when no item has an
 * uncertainty (all labeled, or a trainer that does not send it).
 */
export function uncertaintyBars(h: UncertaintyHistogram | null | undefined): { bars: HistogramBar[]; total: number; unsure: number } | null {
  if (!h || h.bins.length === 0) return null;
  const total = h.bins.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const width = 1 / h.bins.length;
  const bars = h.bins.map((count, i) => ({ from: Number((i * width).toFixed(6)), to: Number(((i + 1) * width).toFixed(6)), count, share: count / total }));
  const unsure = bars.filter((b) => b.from >= 0.5).reduce((a, b) => a + b.count, 0) / total;
  return { bars, total, unsure };
}

/** A job's error column collects one reason per failed attempt, "a; b; ": the reasons, oldest first. */
export function jobErrors(error: string | null | undefined): string[] {
  return (error ?? '').split(';').map((s) => s.trim()).filter(Boolean);
}

/** Whether the ranking in use was made by no model (diversity over image embeddings): nothing computed a guess, accuracy or uncertainty for it. */
export function isDiversity(s: Pick<ModelStatus, 'ranking'>): boolean {
  return s.ranking?.kind === 'diversity';
}

/** Labels given since the model behind the queue was trained; null without a model. */
export function labelsBehind(s: ModelStatus): number | null {
  if (s.ranking) return s.ranking.behind;
  if (s.model) return Math.max(0, s.labels - s.model.labelCount);
  return null;
}

/** What the model is doing, in the order the badge says it. */
export type ModelSummary =
  | { kind: 'cold'; labels: number; until: number }
  | { kind: 'waiting'; labels: number }
  | { kind: 'diversity'; entries: number; behind: number; at: string }
  | { kind: 'ready'; version: number; trainedOn: number; holdout: Pick<HoldoutMetrics, 'accuracy' | 'holdoutSize'> | null; behind: number; backend: string }
  | { kind: 'training'; version: number | null; progress: JobProgress | null }
  | { kind: 'retrying'; version: number | null; error: string; attempts: number }
  | { kind: 'failed'; version: number | null; error: string; attempts: number; hasRanking: boolean };

/**
 * The one state the badge shows. A failing or running job wins over the
 * ready model: an annotator should know the model is not keeping up.
 */
export function summarize(s: ModelStatus, retrainEvery: number): ModelSummary {
  const version = s.model ? s.curve.length || 1 : null;
  const job = s.job;
  if (job?.state === 'failed') {
    return { kind: 'failed', version, error: jobErrors(job.error).pop() ?? 'no reason given', attempts: job.attempts, hasRanking: s.ranking !== null };
  }
  if (job?.state === 'running') return { kind: 'training', version, progress: job.progress };
  if (job?.state === 'queued' && job.error) {
    return { kind: 'retrying', version, error: jobErrors(job.error).pop() ?? 'no reason given', attempts: job.attempts };
  }
  if (s.ranking && isDiversity(s)) {
    return { kind: 'diversity', entries: s.ranking.entries ?? 0, behind: s.ranking.behind, at: s.ranking.at };
  }
  if (s.model && version !== null) {
    const h = holdoutMetrics(s.model.metrics);
    return { kind: 'ready', version, trainedOn: s.model.labelCount, holdout: h && { accuracy: h.accuracy, holdoutSize: h.holdoutSize }, behind: labelsBehind(s) ?? 0, backend: shortBackend(s.model.backend) };
  }
  if (s.labels < retrainEvery && !job) return { kind: 'cold', labels: s.labels, until: retrainEvery };
  return { kind: 'waiting', labels: s.labels };
}

export type Tone = 'info' | 'ok' | 'busy' | 'error';

/** The badge's one line, and how it should look. */
/**
 * The badge's one line. `untrained` names the task when Tandem's trainer trains no model for it
 * (boxes, keypoints): the cold-start line then says so instead of promising a first retrain.
 */
export function badgeLine(s: ModelStatus, retrainEvery: number, untrained?: string): { kind: ModelSummary['kind']; tone: Tone; text: string } {
  const m = summarize(s, retrainEvery);
  if (untrained && (m.kind === 'cold' || m.kind === 'waiting')) {
    return { kind: m.kind, tone: 'info', text: `No ${untrained} model: items are dealt by the cold start until a trainer orders them by diversity over image embeddings` };
  }
  const prefix = 'version' in m && m.version !== null ? `Model v${m.version} · ` : '';
  switch (m.kind) {
    case 'cold':
      return { kind: m.kind, tone: 'info', text: `No model yet: items dealt at random until ${plural(m.until, 'label')} (${m.labels} so far)` };
    case 'waiting':
      return {
        kind: m.kind, tone: 'info',
        text: m.labels === 0
          ? 'No model yet: items dealt at random · the first ranking (from the images alone) is queued, waiting for a trainer'
          : 'No model yet: items dealt at random · retrain queued, waiting for a trainer',
      };
    case 'diversity': {
      const behind = m.behind === 0 ? 'up to date' : `${plural(m.behind, 'label')} since`;
      if (!untrained) {
        // A task with a model, before its first label: the strategy's picks from the embeddings (auto: typical images of clusters).
        return { kind: m.kind, tone: 'ok', text: `No model yet: ${plural(m.entries, 'item')} ordered from the image embeddings alone, typical images of each cluster first · ${behind}` };
      }
      return { kind: m.kind, tone: 'ok', text: `No ${untrained} model: ${plural(m.entries, 'item')} ordered by diversity over image embeddings · ${behind}` };
    }
    case 'ready': {
      const acc = m.holdout === null ? 'no holdout labels yet' : accuracyWords(m.holdout);
      const behind = m.behind === 0 ? 'up to date' : `${plural(m.behind, 'label')} behind`;
      return { kind: m.kind, tone: 'ok', text: `Model v${m.version} (${plural(m.trainedOn, 'label')}) · ${acc} · ${behind} · ${m.backend}` };
    }
    case 'training': {
      const p = m.progress;
      return { kind: m.kind, tone: 'busy', text: `${prefix}Training…${p ? ` (${p.phase}, ${p.done}/${p.total})` : ''}` };
    }
    case 'retrying':
      return { kind: m.kind, tone: 'error', text: `${prefix}Trainer failed: ${m.error} — trying again (attempt ${m.attempts + 1}); labeling goes on` };
    case 'failed': {
      const after = m.hasRanking ? 'labeling goes on with the previous ranking' : 'labeling goes on with items dealt at random';
      return { kind: m.kind, tone: 'error', text: `${prefix}Trainer failed: ${m.error} — ${after}` };
    }
    default: {
      const never: never = m;
      return never;
    }
  }
}
