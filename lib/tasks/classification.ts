import { z } from 'zod';
import { classificationAgreement, classificationDetail } from './agreement';
import { ClassList, ClassName, Confidence } from './fields';
import { classificationMetrics } from './metrics';
import type { TaskType } from './types';

export const ClassificationConfig = z.object({ classes: ClassList(2) });
export type ClassificationConfig = z.infer<typeof ClassificationConfig>;

export const ClassificationPayload = z.object({ label: ClassName });
export type ClassificationPayload = z.infer<typeof ClassificationPayload>;

export const ClassificationPrediction = z.object({ label: ClassName, confidence: Confidence.optional() });
export type ClassificationPrediction = z.infer<typeof ClassificationPrediction>;

export const classification: TaskType<'classification', ClassificationConfig, ClassificationPayload, ClassificationPrediction> = {
  name: 'classification',
  title: 'Image classification',
  description: 'One class per image, chosen with a key or a button.',
  config: ClassificationConfig,
  payload: ClassificationPayload,
  prediction: ClassificationPrediction,
  builtinRanking: 'model',
  agreesAt: 1,
  spatial: false,
  check(payload, config) {
    return config.classes.includes(payload.label) ? []
      : [{ path: ['label'], message: `"${payload.label}" is not a class of this project (${config.classes.join(', ')})` }];
  },
  classesOf: (payload) => [payload.label],
  isEmpty: () => false,
  prelabelOf: (prediction) => ({ label: prediction.label }),
  agreement: classificationAgreement,
  agreementDetail: classificationDetail,
  consensus: (answers, config) => {
    // The most given class; a tie goes to the class listed first in the project.
    const votes = new Map<string, number>();
    for (const a of answers) votes.set(a.label, (votes.get(a.label) ?? 0) + 1);
    const order = (c: string) => { const k = config.classes.indexOf(c); return k < 0 ? Infinity : k; };
    const [label, n] = [...votes].sort((x, y) => y[1] - x[1] || order(x[0]) - order(y[0]))[0] ?? ['', 0];
    return { answer: { label }, confidence: answers.length === 0 ? 0 : n / answers.length };
  },
  metrics: classificationMetrics,
};
