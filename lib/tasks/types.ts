import type { z } from 'zod';

/** Width and height of an item's image in pixels, when the import could read them. */
export interface ImageSize {
  width: number;
  height: number;
}

/** One problem with an answer, named by its path in the payload (`boxes.2.w`). */
export interface AnswerIssue {
  path: (string | number)[];
  message: string;
}

/** A model's prediction for a held-out item beside the item's true answer. */
export interface HoldoutPair<Payload, Prediction> {
  truth: Payload;
  predicted: Prediction;
}

/** How Tandem's own trainer ranks a task type's pool: by a model it trains, or by diversity alone (see TaskType.builtinRanking). */
export type BuiltinRanking = 'model' | 'diversity';

/** Named holdout metrics (lib/tasks/metrics.ts METRIC_TITLES says what each means); null when there was nothing to measure. */
export type Metrics = Record<string, number | null>;

/**
 * What every task type declares. Everything outside `lib/tasks/` that depends on the task
 * type asks its entry instead of branching by hand.
 *
 * - `config`: the project's task config (classes, box classes, a skeleton), stored with the project.
 * - `payload`: an answer's shape, without the `task` discriminant (the registry adds it).
 * - `prediction`: what a trainer sends for an item and the page draws as a prelabel.
 * - `check`: what the shape cannot say (a class the project lacks, a box outside the image,
 *   a keypoint count unlike the skeleton's); an empty list when the answer is valid.
 * - `agreement`: how much two answers agree, in [0, 1], symmetric (lib/tasks/agreement.ts).
 * - `metrics`: a model's holdout metrics from (truth, prediction) pairs (lib/tasks/metrics.ts).
 */
export interface TaskType<Name extends string, Config, Payload, Prediction> {
  name: Name;
  title: string;
  description: string;
  config: z.ZodType<Config>;
  payload: z.ZodType<Payload>;
  prediction: z.ZodType<Prediction>;
  check(payload: Payload, config: Config, image: ImageSize | null): AnswerIssue[];
  /** Whether `check` needs the item's image size (spatial answers), so the server reads it only then. */
  spatial: boolean;
  /**
   * How Tandem's own trainer ranks the pool of a project of this type: `model`, by a model it
   * trains (its uncertainty, its strategies); `diversity`, with no model at all, by greedy
   * k-center over the image embeddings (lib/al `rankByDiversity`), until a trainer that can
   * predict the answer exists.
   */
  builtinRanking: BuiltinRanking;
  /**
   * Two answers whose `agreement` reaches this are the same answer given twice: an item whose
   * answers all agree pairwise is settled without a consensus or a lead.
   */
  agreesAt: number;
  /** The class names the answer mentions (counts, class balance, the label book's summary). */
  classesOf(payload: Payload, config: Config): string[];
  /** Whether the answer marks anything (an empty box list is still an answer: "nothing here"). */
  isEmpty(payload: Payload): boolean;
  /** A prediction turned into the answer an annotator would submit by accepting it as it is. */
  prelabelOf(prediction: Prediction, config: Config): Payload;
  agreement(a: Payload, b: Payload, config: Config): number;
  /** Named measures of how two answers agree, for the lead's page (lib/tasks/agreement.ts). */
  agreementDetail(a: Payload, b: Payload, config: Config): Record<string, number>;
  /**
   * One answer standing for several people's answers to one item, with how sure it is in [0, 1]:
   * the most given class (its vote share), boxes fused by IoU weights, skeletons by per-keypoint
   * medians (lib/tasks/fusion.ts). Per item only: classes also get a project-wide Dawid–Skene
   * consensus (lib/agreement), which knows each annotator's reliability.
   */
  consensus(answers: readonly Payload[], config: Config): { answer: Payload; confidence: number };
  metrics(pairs: readonly HoldoutPair<Payload, Prediction>[], config: Config): Metrics;
}
