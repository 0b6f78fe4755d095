import { describe, expect, it } from 'vitest';
import { annotatorNoise, simulateAnswer } from '../../../lib/sim/annotator';
import { renderFigures } from '../../../lib/sim/figures';
import { JOINT } from '../../../lib/sim/poses';
import { agreementOf, parseAnswer, type Answer, type AnswerOf, type ProjectTask } from '../../../lib/tasks';
import { iou } from '../../../lib/tasks/geometry';
import { oks } from '../../../lib/tasks/oks';
import { COCO17 } from '../../../lib/tasks/skeletons';

const POSES: ProjectTask = { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } };
const BOXES: ProjectTask = { task: 'boxes', config: { classes: ['car', 'person', 'dog'] } };
const DIGITS: ProjectTask = { task: 'classification', config: { classes: ['0', '1', '2', '3'] } };
const IMAGE = { width: 256, height: 256 };

/** Rendered truths: 80 images of one or two people. */
const TRUTHS: AnswerOf<'keypoints'>[] = Array.from({ length: 80 }, (_, i) => {
  const r = renderFigures(i + 1);
  return { task: 'keypoints', instances: r.figures.map((f) => ({ points: f.points, box: f.box })) };
});
const BOX_TRUTH: AnswerOf<'boxes'> = { task: 'boxes', boxes: [{ class: 'car', x: 20, y: 30, w: 100, h: 60 }, { class: 'dog', x: 150, y: 140, w: 50, h: 80 }] };

const only = (noise: Parameters<typeof annotatorNoise>[0]) => annotatorNoise({ ...annotatorNoise('perfect'), ...(noise as object) });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('a simulated annotator', () => {
  it('gives the truth back exactly when perfect, for every task type', () => {
    const perfect = annotatorNoise('perfect');
    for (const [i, truth] of TRUTHS.entries()) expect(simulateAnswer(POSES, truth, IMAGE, perfect, i)).toEqual(truth);
    expect(simulateAnswer(BOXES, BOX_TRUTH, IMAGE, perfect, 1)).toEqual(BOX_TRUTH);
    expect(simulateAnswer(DIGITS, { task: 'classification', label: '2' }, null, perfect, 1)).toEqual({ task: 'classification', label: '2' });
  });

  it('gives the same answer for the same seed and another for another seed', () => {
    const noise = annotatorNoise('typical');
    expect(simulateAnswer(POSES, TRUTHS[0], IMAGE, noise, 42)).toEqual(simulateAnswer(POSES, TRUTHS[0], IMAGE, noise, 42));
    expect(simulateAnswer(POSES, TRUTHS[0], IMAGE, noise, 42)).not.toEqual(simulateAnswer(POSES, TRUTHS[0], IMAGE, noise, 43));
  });

  it('places points as COCO measured its annotators at jitter 1: mean OKS against the truth near 1 / (1 + 1/8)', () => {
    const noise = only({ jitter: 1, occludedJitter: 1 });
    const scores: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const [i, truth] of TRUTHS.entries()) {
        const answer = simulateAnswer(POSES, truth, null, noise, round * 1000 + i) as AnswerOf<'keypoints'>;
        truth.instances.forEach((t, k) => { const s = oks(t, answer.instances[k], COCO17.sigmas); if (s !== null) scores.push(s); });
      }
    }
    expect(mean(scores)).toBeGreaterThan(0.889 - 0.015);
    expect(mean(scores)).toBeLessThan(0.889 + 0.015);
  });

  it('spreads each point by its own sigma: hips wander about four times as far as the nose', () => {
    const noise = only({ jitter: 1, occludedJitter: 1 });
    const rms = (k: number) => {
      const d2: number[] = [];
      for (let round = 0; round < 10; round++) {
        for (const [i, truth] of TRUTHS.entries()) {
          const answer = simulateAnswer(POSES, truth, null, noise, round * 1000 + i) as AnswerOf<'keypoints'>;
          truth.instances.forEach((t, n) => {
            if (t.points[k].v === 0) return;
            const scale = Math.sqrt(t.box!.w * t.box!.h);
            const a = answer.instances[n].points[k];
            d2.push(((a.x - t.points[k].x) ** 2 + (a.y - t.points[k].y) ** 2) / scale ** 2);
          });
        }
      }
      return Math.sqrt(mean(d2));
    };
    const nose = rms(0);
    const hip = rms(JOINT.hip.left);
    expect(nose).toBeGreaterThan(COCO17.sigmas[0] * 0.9);
    expect(nose).toBeLessThan(COCO17.sigmas[0] * 1.1);
    expect(hip / nose).toBeGreaterThan((1.07 / 0.26) * 0.85);
    expect(hip / nose).toBeLessThan((1.07 / 0.26) * 1.15);
  });

  it('mistakes a labeled point\'s visibility at the asked rate and never invents an absent one', () => {
    const noise = only({ visibilityFlip: 0.2 });
    let labeled = 0;
    let flipped = 0;
    for (const [i, truth] of TRUTHS.entries()) {
      const answer = simulateAnswer(POSES, truth, IMAGE, noise, i) as AnswerOf<'keypoints'>;
      truth.instances.forEach((t, n) => t.points.forEach((p, k) => {
        const a = answer.instances[n].points[k];
        if (p.v === 0) { expect(a).toEqual({ x: 0, y: 0, v: 0 }); return; }
        labeled += 1;
        if (a.v !== p.v) { flipped += 1; expect(a.v).toBe(p.v === 2 ? 1 : 2); }
      }));
    }
    expect(flipped / labeled).toBeGreaterThan(0.17);
    expect(flipped / labeled).toBeLessThan(0.23);
  });

  it('labels a person mirror-wise: the left wrist where the right one is', () => {
    const answer = simulateAnswer(POSES, TRUTHS[0], IMAGE, only({ swapLeftRight: 1 }), 1) as AnswerOf<'keypoints'>;
    const t = TRUTHS[0].instances[0].points;
    const a = answer.instances[0].points;
    expect(a[JOINT.wrist.left]).toEqual(t[JOINT.wrist.right]);
    expect(a[JOINT.ankle.right]).toEqual(t[JOINT.ankle.left]);
    expect(a[0]).toEqual(t[0]);
    // A mirrored answer agrees less with the truth than the truth with itself.
    expect(agreementOf(POSES, TRUTHS[0], answer)).toBeLessThan(1);
  });

  it('swaps single left/right pairs at the asked rate', () => {
    let pairs = 0;
    let swapped = 0;
    for (const [i, truth] of TRUTHS.entries()) {
      const answer = simulateAnswer(POSES, truth, IMAGE, only({ swapPair: 0.25 }), i) as AnswerOf<'keypoints'>;
      truth.instances.forEach((t, n) => {
        for (const [l, r] of COCO17.flips) {
          if (t.points[l].v === 0 || t.points[r].v === 0 || (t.points[l].x === t.points[r].x && t.points[l].y === t.points[r].y)) continue;
          pairs += 1;
          if (answer.instances[n].points[l].x === t.points[r].x && answer.instances[n].points[l].y === t.points[r].y) swapped += 1;
        }
      });
    }
    expect(swapped / pairs).toBeGreaterThan(0.2);
    expect(swapped / pairs).toBeLessThan(0.3);
  });

  it('misses whole people and leaves points out when told to', () => {
    expect(simulateAnswer(POSES, TRUTHS[0], IMAGE, only({ missInstance: 1 }), 1)).toEqual({ task: 'keypoints', instances: [] });
    const dropped = simulateAnswer(POSES, TRUTHS[0], IMAGE, only({ dropPoint: 1 }), 1) as AnswerOf<'keypoints'>;
    expect(dropped.instances[0].points.every((p) => p.v === 0)).toBe(true);
  });

  it('always gives an answer the project accepts, even when sloppy: points and boxes stay inside the image', () => {
    const sloppy = annotatorNoise('sloppy');
    for (let seed = 0; seed < 400; seed++) {
      const truth = TRUTHS[seed % TRUTHS.length];
      const answer = simulateAnswer(POSES, truth, IMAGE, sloppy, seed);
      expect(() => parseAnswer(POSES, answer, IMAGE)).not.toThrow();
      expect(() => parseAnswer(BOXES, simulateAnswer(BOXES, BOX_TRUTH, IMAGE, sloppy, seed), IMAGE)).not.toThrow();
    }
  });

  it('agrees with the truth less as the profile gets sloppier', () => {
    const agreement = (profile: 'careful' | 'typical' | 'sloppy') => mean(TRUTHS.flatMap((truth, i) =>
      [0, 1, 2].map((r) => agreementOf(POSES, truth, simulateAnswer(POSES, truth, IMAGE, annotatorNoise(profile), r * 100 + i)))));
    const [careful, typical, sloppy] = [agreement('careful'), agreement('typical'), agreement('sloppy')];
    expect(careful).toBeGreaterThan(typical);
    expect(typical).toBeGreaterThan(sloppy);
    expect(careful).toBeGreaterThan(0.85);
    expect(sloppy).toBeLessThan(0.8);
  });

  it('moves box edges in proportion to the box and gives a wrong class at the asked rate', () => {
    const ious: number[] = [];
    let wrong = 0;
    for (let seed = 0; seed < 500; seed++) {
      const answer = simulateAnswer(BOXES, BOX_TRUTH, IMAGE, only({ boxJitter: 0.03, wrongClass: 0.1 }), seed) as AnswerOf<'boxes'>;
      answer.boxes.forEach((b, k) => { ious.push(iou(b, BOX_TRUTH.boxes[k])); if (b.class !== BOX_TRUTH.boxes[k].class) wrong += 1; });
    }
    expect(mean(ious)).toBeGreaterThan(0.85);
    expect(mean(ious)).toBeLessThan(0.99);
    expect(wrong / 1000).toBeGreaterThan(0.07);
    expect(wrong / 1000).toBeLessThan(0.13);
  });

  it('gives another class at the asked rate, never the true one when wrong', () => {
    const answers = Array.from({ length: 1000 }, (_, seed) => simulateAnswer(DIGITS, { task: 'classification', label: '1' }, null, only({ wrongClass: 0.3 }), seed) as AnswerOf<'classification'>);
    const wrong = answers.filter((a) => a.label !== '1');
    expect(wrong.length / 1000).toBeGreaterThan(0.26);
    expect(wrong.length / 1000).toBeLessThan(0.34);
    expect(new Set(wrong.map((a) => a.label))).toEqual(new Set(['0', '2', '3']));
  });

  it('refuses an unknown profile, bad noise and an answer of another task type', () => {
    expect(() => annotatorNoise('drunk' as never)).toThrow(/unknown annotator profile "drunk"/);
    expect(() => annotatorNoise({ jitter: -1 })).toThrow(/jitter/);
    expect(() => simulateAnswer(BOXES, TRUTHS[0] as Answer, IMAGE, annotatorNoise('typical'), 1)).toThrow(/keypoints answer cannot be simulated in a boxes project/);
  });
});
