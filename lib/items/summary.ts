import { classesOfAnswer, type Answer, type ProjectTask } from '../tasks';

/**
 * An answer in a few words, for a grid tile, a history row or an annotator's list: the class
 * ("7"), or what a spatial answer holds ("3 boxes: 2 cat, 1 dog"; "1 skeleton, 14 points").
 */
export function summarizeAnswer(task: ProjectTask, answer: Answer): string {
  switch (answer.task) {
    case 'classification':
      return answer.label;
    case 'boxes': {
      const n = answer.boxes.length;
      if (n === 0) return 'no boxes';
      const counts = new Map<string, number>();
      for (const b of answer.boxes) counts.set(b.class, (counts.get(b.class) ?? 0) + 1);
      const parts = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, k]) => `${k} ${c}`);
      return `${n === 1 ? '1 box' : `${n} boxes`}: ${parts.join(', ')}`;
    }
    case 'keypoints': {
      const n = answer.instances.length;
      if (n === 0) return 'no skeletons';
      const placed = answer.instances.reduce((s, inst) => s + inst.points.filter((p) => p.v > 0).length, 0);
      return `${n === 1 ? '1 skeleton' : `${n} skeletons`}, ${placed} point${placed === 1 ? '' : 's'}`;
    }
    default: {
      const never: never = answer;
      return classesOfAnswer(task, never).join(', ');
    }
  }
}
