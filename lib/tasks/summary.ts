import type { Answer } from './index';

/** An answer in words: the class, or how many boxes or skeletons. */
export function answerSummaryOf(answer: Answer): string {
  switch (answer.task) {
    case 'classification': return answer.label;
    case 'boxes': return answer.boxes.length === 0 ? 'no boxes' : `${answer.boxes.length} box${answer.boxes.length === 1 ? '' : 'es'}: ${[...new Set(answer.boxes.map((b) => b.class))].join(', ')}`;
    case 'keypoints': return answer.instances.length === 0 ? 'no skeletons' : `${answer.instances.length} skeleton${answer.instances.length === 1 ? '' : 's'}`;
    default: {
      const never: never = answer;
      return never;
    }
  }
}
