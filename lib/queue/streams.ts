import { z } from 'zod';

/**
 * The streams an assignment can come from, one member each of a discriminated union on
 * `kind`, recorded on every lease with the ranking version and the item's score at that
 * moment. Per-stream fields say why the item was dealt; gold has none, because a gold item
 * must look like any other item to the annotator who gets it.
 */

export const STREAM_KINDS = ['uncertain', 'easy', 'overlap', 'gold', 'holdout', 'cold'] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

const Confidence = z.number().min(0).max(1);

export const UncertainStream = z.object({
  kind: z.literal('uncertain'),
  /** The strategy whose ranking the item came from. */
  strategy: z.string().min(1),
}).strict();

export const EasyStream = z.object({
  kind: z.literal('easy'),
  /** The model's top-class probability: why the item counts as easy. */
  confidence: Confidence,
  /** The model's predicted class (an index into the project's classes), for the prelabel. */
  predicted: z.number().int().nonnegative(),
}).strict();

export const OverlapStream = z.object({
  kind: z.literal('overlap'),
  /** How many annotators should label the item in the end. */
  targetK: z.number().int().min(2),
  /** Labels by other annotators when it was dealt (at least 1, below targetK). */
  labelsBefore: z.number().int().min(1),
}).strict().refine((s) => s.labelsBefore < s.targetK, { message: 'an overlap item must have fewer labels than its target', path: ['labelsBefore'] });

/** Deliberately empty: the expected answer lives with the item on the server, never on the lease. */
export const GoldStream = z.object({ kind: z.literal('gold') }).strict();

export const HoldoutStream = z.object({
  kind: z.literal('holdout'),
  /** The holdout group (video, patient, source file) the item belongs to, as the service numbered it. */
  group: z.number().int().nonnegative(),
}).strict();

export const ColdStream = z.object({
  kind: z.literal('cold'),
  /**
   * random: seeded uniform pick; stratified: one per k-means cluster of the embeddings; picked: the
   * trainer's low-budget batch (the ranking's lead: TypiClust over its features), in its order.
   */
  method: z.enum(['random', 'stratified', 'picked']),
}).strict();

export const Stream = z.discriminatedUnion('kind', [UncertainStream, EasyStream, OverlapStream, GoldStream, HoldoutStream, ColdStream]);
export type Stream = z.infer<typeof Stream>;

/** One dealt item: its pool index, why it was dealt, and the ranking it was dealt from (null before any ranking). */
export const Assignment = z.object({
  item: z.number().int().nonnegative(),
  stream: Stream,
  /** The item's ranking score when dealt (higher = dealt first); null when the item is unranked. */
  score: z.number().nullable(),
  rankingVersion: z.number().int().nullable(),
}).strict();
export type Assignment = z.infer<typeof Assignment>;

/**
 * Hard items: those dealt because the model is unsure of them (uncertain), or likely so
 * (overlap re-deals items the uncertain stream chose; gold sets are usually curated hard
 * cases). Easy, holdout and cold items are confident or random picks, and a random pick from
 * a pool a model handles well is mostly easy, so they end a run of hard items.
 */
export function isHard(kind: StreamKind): boolean {
  switch (kind) {
    case 'uncertain':
    case 'overlap':
    case 'gold':
      return true;
    case 'easy':
    case 'holdout':
    case 'cold':
      return false;
  }
}

/** The stream a batch is mostly made of: uncertain once the model is trusted, cold before. */
export type MainKind = 'uncertain' | 'cold';

/**
 * The stream kind an annotator's page may show. A gold item is shown as its batch's main
 * stream, so nothing on the page tells it apart from the items around it.
 */
export function annotatorKind(stream: Stream, main: MainKind): Exclude<StreamKind, 'gold'> {
  switch (stream.kind) {
    case 'gold':
      return main;
    default:
      return stream.kind;
  }
}
