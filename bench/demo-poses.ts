/**
 * What the keypoint demo's rendered images hold, and how the simulated annotators' answers
 * score against them: render time per image, the shares of visibility 0/1/2, people per image,
 * and per annotator profile the mean OKS of matched people and the mean agreement (agreementOf)
 * with the truth. Pure: no server, no database.
 *
 *   npm run bench:demo-poses            N=1000 DRAWS=3 npm run bench:demo-poses
 */
import { performance } from 'node:perf_hooks';
import { ANNOTATOR_PROFILES, annotatorNoise, simulateAnswer, type AnnotatorProfile } from '../lib/sim/annotator';
import { renderFigures } from '../lib/sim/figures';
import { agreementOf, type AnswerOf } from '../lib/tasks';
import { oks } from '../lib/tasks/oks';
import { POSES_IMAGE_SIZE, POSES_TASK } from '../server/demo-poses';
import { machine, percentile } from './stats';

const N = Number(process.env.N ?? 300);
const DRAWS = Number(process.env.DRAWS ?? 3);
const IMAGE = { width: POSES_IMAGE_SIZE, height: POSES_IMAGE_SIZE };

const ms: number[] = [];
const truths: AnswerOf<'keypoints'>[] = [];
const visibility = [0, 0, 0];
let people = 0;
for (let seed = 1; seed <= N; seed++) {
  const t0 = performance.now();
  const scene = renderFigures(seed, IMAGE);
  ms.push(performance.now() - t0);
  for (const f of scene.figures) for (const p of f.points) visibility[p.v] += 1;
  people += scene.figures.length;
  truths.push({ task: 'keypoints', instances: scene.figures.map((f) => ({ points: f.points, box: f.box })) });
}
const points = visibility[0] + visibility[1] + visibility[2];
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`demo poses: ${N} images of ${IMAGE.width}×${IMAGE.height} (seeds 1..${N}) on ${machine()}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`render: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms per image`);
console.log(`people: ${people} (${(people / N).toFixed(2)} per image); points: absent ${pct(visibility[0] / points)}, occluded ${pct(visibility[1] / points)}, visible ${pct(visibility[2] / points)}`);

for (const profile of Object.keys(ANNOTATOR_PROFILES) as AnnotatorProfile[]) {
  const noise = annotatorNoise(profile);
  const agreement: number[] = [];
  const scores: number[] = [];
  for (let draw = 0; draw < DRAWS; draw++) {
    truths.forEach((truth, i) => {
      const answer = simulateAnswer(POSES_TASK, truth, IMAGE, noise, draw * 1_000_003 + i) as AnswerOf<'keypoints'>;
      agreement.push(agreementOf(POSES_TASK, truth, answer));
      // Index-paired OKS is only meaningful when no person was missed.
      if (answer.instances.length === truth.instances.length) {
        truth.instances.forEach((t, k) => { const s = oks(t, answer.instances[k], POSES_TASK.config.skeleton.sigmas); if (s !== null) scores.push(s); });
      }
    });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`annotator ${profile.padEnd(8)} mean agreement with the truth ${mean(agreement).toFixed(3)}, mean OKS ${mean(scores).toFixed(3)} (${agreement.length} answers)`);
}
