import { z } from 'zod';
import type { EditRecord } from './edit';

/**
 * The model's suggestion for a classification item on the labeling page: its predicted class
 * and that class's probability. Who gets one is decided here, from plain facts the server
 * reads: the project's setting, and whether the item checks the annotators (holdout items
 * measure the model, gold items the annotator: a suggestion there would bias both).
 */
export const Suggestion = z.object({
  label: z.string().min(1),
  /** The model's probability of `label`, in [0, 1]; null for an imported prelabel (a folder's or a manifest's class). */
  confidence: z.number().min(0).max(1).nullable(),
  /** Who suggests it: the model (default), or the upload that brought the item as a prelabel to confirm. */
  source: z.enum(['model', 'import']).optional(),
}).strict();
export type Suggestion = z.infer<typeof Suggestion>;

export interface SuggestionFacts {
  /** The project's `suggestions` setting (off by default). */
  enabled: boolean;
  classes: readonly string[];
  item: {
    split: 'pool' | 'holdout';
    /** The item carries a hidden reference answer and the project deals gold items. */
    gold: boolean;
  };
  /** The stream of the asker's lease on the item, when they hold one (gold leases look like others to them). */
  leaseStream: string | null;
  /** The applied ranking's prediction for the item, if it has one. */
  prediction: { predicted: string | null; confidence: number | null } | null;
}

const CHECKS = new Set(['gold', 'holdout']);

export function suggestionFor(f: SuggestionFacts): Suggestion | null {
  if (!f.enabled) return null;
  if (f.item.split === 'holdout' || f.item.gold || (f.leaseStream !== null && CHECKS.has(f.leaseStream))) return null;
  const p = f.prediction;
  if (!p || p.predicted === null || !f.classes.includes(p.predicted)) return null;
  if (p.confidence === null || !Number.isFinite(p.confidence)) return null;
  return { label: p.predicted, confidence: Math.min(1, Math.max(0, p.confidence)) };
}

/**
 * A class imported as a prelabel to confirm (an upload's folder name or manifest label): shown like
 * the model's suggestion, on the same items (never on holdout or gold items, which would be biased).
 */
export function importedSuggestion(f: Pick<SuggestionFacts, 'classes' | 'item' | 'leaseStream'>, label: string | undefined): Suggestion | null {
  if (label === undefined || !f.classes.includes(label)) return null;
  if (f.item.split === 'holdout' || f.item.gold || (f.leaseStream !== null && CHECKS.has(f.leaseStream))) return null;
  return { label, confidence: null, source: 'import' };
}

/**
 * The edit record of a class answered with a suggestion on screen (the `edit` the spatial
 * editors store for their prelabels): whether the suggested class was taken unchanged.
 */
export function classEdit(suggestion: Suggestion, label: string, seconds: number): EditRecord {
  return {
    prelabel: suggestion.source ?? 'model', seconds: Math.min(Math.max(0, seconds), 86_400), pointsMoved: 0, meanShiftPx: 0, added: 0, deleted: 0,
    accepted: label === suggestion.label, suggested: suggestion.label,
  };
}
