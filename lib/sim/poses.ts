import type { Vec } from './raster';

/**
 * A person as a 2-D stick body facing the viewer, for the rendered keypoint demo
 * (lib/sim/figures.ts): joint angles sampled within ranges a body can take, turned into the
 * 17 COCO person keypoints. Units are figure heights (a standing figure is about 0.93 tall),
 * y points up, the pelvis is the origin, and the person's left is +x (they face us, so their
 * left is the image's right).
 *
 * Order of work: sample a pose and a build (`samplePose`, `sampleBuild`), then `bodyOf` places
 * every joint; the face points come from features on a head sphere turned by the yaw, which also
 * says which of them the head itself hides.
 */

export type Side = 'left' | 'right';
export const SIDES: readonly Side[] = ['left', 'right'];
/** +1 for the person's left (image right for a figure facing us), −1 for the right. */
export const sideSign = (s: Side): number => (s === 'left' ? 1 : -1);

export interface Pose {
  /** Torso tilt from upright, radians, + toward the image's right. */
  lean: number;
  /** Head tilt against the torso, radians. */
  headTilt: number;
  /** Head turn about the vertical, radians, + toward the person's left; |yaw| ≤ ~1 keeps the face in view. */
  headYaw: number;
  /** Upper arm's angle away from hanging straight down, + outward (sideways and up), radians. */
  shoulder: Record<Side, number>;
  /** Forearm's turn from the upper arm's line, + continuing outward, radians. */
  elbow: Record<Side, number>;
  /** Thigh's angle away from straight down, + outward, radians. */
  hip: Record<Side, number>;
  /** Shin's turn from the thigh's line, + outward, − toward the midline (a squat's knees). */
  knee: Record<Side, number>;
  /** What the sampler drew (stand, squat, kick, star): for variety checks and reading tests. */
  kind: PoseKind;
}

export const POSE_KINDS = ['stand', 'squat', 'kick', 'star'] as const;
export type PoseKind = (typeof POSE_KINDS)[number];

/** Body proportions in figure heights. */
export interface Build {
  torso: number;
  neck: number;
  headRadius: number;
  shoulderHalf: number;
  hipHalf: number;
  upperArm: number;
  forearm: number;
  thigh: number;
  shin: number;
}

export const DEG = Math.PI / 180;

const between = (rng: () => number, lo: number, hi: number) => lo + (hi - lo) * rng();

/** Joint angles within what people do: arms anywhere a shoulder and an elbow reach, legs by kind of pose. */
export function samplePose(rng: () => number): Pose {
  const u = rng();
  const kind: PoseKind = u < 0.55 ? 'stand' : u < 0.72 ? 'squat' : u < 0.86 ? 'kick' : 'star';
  const arm = () => ({ shoulder: between(rng, -35, 175) * DEG, elbow: between(rng, -140, 140) * DEG });
  const left = arm();
  const right = arm();
  let hip: Record<Side, number>;
  let knee: Record<Side, number>;
  switch (kind) {
    case 'stand':
      hip = { left: between(rng, -8, 18) * DEG, right: between(rng, -8, 18) * DEG };
      knee = { left: between(rng, -15, 15) * DEG, right: between(rng, -15, 15) * DEG };
      break;
    case 'squat':
      hip = { left: between(rng, 35, 70) * DEG, right: between(rng, 35, 70) * DEG };
      knee = { left: -between(rng, 70, 120) * DEG, right: -between(rng, 70, 120) * DEG };
      break;
    case 'kick': {
      const raised = rng() < 0.5 ? 'left' : 'right';
      const other = raised === 'left' ? 'right' : 'left';
      hip = { [raised]: between(rng, 50, 100) * DEG, [other]: between(rng, -5, 12) * DEG } as Record<Side, number>;
      knee = { [raised]: -between(rng, 0, 100) * DEG, [other]: between(rng, -10, 10) * DEG } as Record<Side, number>;
      break;
    }
    case 'star':
      hip = { left: between(rng, 20, 40) * DEG, right: between(rng, 20, 40) * DEG };
      knee = { left: between(rng, -10, 25) * DEG, right: between(rng, -10, 25) * DEG };
      break;
  }
  return {
    kind,
    lean: between(rng, -12, 12) * DEG,
    headTilt: between(rng, -18, 18) * DEG,
    // Mostly near frontal, sometimes well turned (then the far eye and ear are hidden by the head).
    headYaw: (rng() < 0.7 ? between(rng, -25, 25) : between(rng, -60, 60)) * DEG,
    shoulder: { left: left.shoulder, right: right.shoulder },
    elbow: { left: left.elbow, right: right.elbow },
    hip,
    knee,
  };
}

/** Proportions of an adult with some spread (broad or narrow shoulders, long or short limbs). */
export function sampleBuild(rng: () => number): Build {
  const limb = between(rng, 0.93, 1.07);
  return {
    torso: 0.29 * between(rng, 0.94, 1.06),
    neck: 0.05,
    headRadius: 0.066 * between(rng, 0.92, 1.1),
    shoulderHalf: 0.105 * between(rng, 0.85, 1.15),
    hipHalf: 0.07 * between(rng, 0.9, 1.12),
    upperArm: 0.155 * limb,
    forearm: 0.145 * limb,
    thigh: 0.235 * limb,
    shin: 0.225 * limb,
  };
}

const add = (a: Vec, b: Vec): Vec => ({ x: a.x + b.x, y: a.y + b.y });
const scale = (a: Vec, k: number): Vec => ({ x: a.x * k, y: a.y * k });
/** Counter-clockwise turn (y up). */
export const rotate = (v: Vec, t: number): Vec => ({ x: v.x * Math.cos(t) - v.y * Math.sin(t), y: v.x * Math.sin(t) + v.y * Math.cos(t) });

/** A face feature on the head sphere: azimuth from the face's front (+ toward the person's left), elevation, radius factor. */
interface Feature { azimuth: number; elevation: number; radius: number }

/** COCO's first five points, in its order: nose, left eye, right eye, left ear, right ear. */
export const FACE: readonly Feature[] = [
  { azimuth: 0, elevation: -0.14, radius: 1.0 },
  { azimuth: 0.45, elevation: 0.2, radius: 0.92 },
  { azimuth: -0.45, elevation: 0.2, radius: 0.92 },
  { azimuth: 1.6, elevation: 0.03, radius: 0.97 },
  { azimuth: -1.6, elevation: 0.03, radius: 0.97 },
];

/** How far toward the viewer a face point must face to be seen: eyes turn away sooner than ears, which sit on the outline. */
export const FACE_SEEN_DEPTH = [0.2, 0.2, 0.2, -0.3, -0.3];

export interface Body {
  /** The 17 COCO keypoints, in COCO order. */
  joints: Vec[];
  /** Facing depth of the five face points in [-1, 1] (1: straight at the viewer). */
  faceDepth: number[];
  neck: Vec;
  headCentre: Vec;
  /** The head's up and right unit vectors (tilted with the head). */
  headUp: Vec;
  headRight: Vec;
  /** The torso's up and right (person's left) unit vectors. */
  up: Vec;
  right: Vec;
}

/** COCO keypoint index of a side's joint. */
export const JOINT = {
  shoulder: { left: 5, right: 6 },
  elbow: { left: 7, right: 8 },
  wrist: { left: 9, right: 10 },
  hip: { left: 11, right: 12 },
  knee: { left: 13, right: 14 },
  ankle: { left: 15, right: 16 },
} as const;

/** Every joint of a posed body, in figure units. */
export function bodyOf(pose: Pose, build: Build): Body {
  const up = { x: Math.sin(pose.lean), y: Math.cos(pose.lean) };
  const right = { x: Math.cos(pose.lean), y: -Math.sin(pose.lean) };
  const down = scale(up, -1);
  const pelvis = { x: 0, y: 0 };
  const neck = add(pelvis, scale(up, build.torso));
  const joints: Vec[] = new Array(17);
  for (const side of SIDES) {
    const s = sideSign(side);
    const shoulder = add(add(neck, scale(right, s * build.shoulderHalf)), scale(up, -0.025));
    const upperDir = rotate(down, s * pose.shoulder[side]);
    const elbow = add(shoulder, scale(upperDir, build.upperArm));
    const wrist = add(elbow, scale(rotate(upperDir, s * pose.elbow[side]), build.forearm));
    const hip = add(pelvis, scale(right, s * build.hipHalf));
    const thighDir = rotate(down, s * pose.hip[side]);
    const knee = add(hip, scale(thighDir, build.thigh));
    const ankle = add(knee, scale(rotate(thighDir, s * pose.knee[side]), build.shin));
    joints[JOINT.shoulder[side]] = shoulder;
    joints[JOINT.elbow[side]] = elbow;
    joints[JOINT.wrist[side]] = wrist;
    joints[JOINT.hip[side]] = hip;
    joints[JOINT.knee[side]] = knee;
    joints[JOINT.ankle[side]] = ankle;
  }
  const headUp = rotate(up, pose.headTilt);
  const headRight = { x: headUp.y, y: -headUp.x };
  const headCentre = add(neck, scale(headUp, build.neck + build.headRadius));
  const faceDepth: number[] = [];
  FACE.forEach((f, k) => {
    const turn = f.azimuth + pose.headYaw;
    const r = build.headRadius * f.radius;
    joints[k] = add(headCentre, add(scale(headRight, r * Math.sin(turn) * Math.cos(f.elevation)), scale(headUp, r * Math.sin(f.elevation))));
    faceDepth.push(Math.cos(turn) * Math.cos(f.elevation));
  });
  return { joints, faceDepth, neck, headCentre, headUp, headRight, up, right };
}

/** The angle at joint b between the segments to a and to c, in degrees (0 folded back, 180 straight). */
export function angleAt(a: Vec, b: Vec, c: Vec): number {
  const u = { x: a.x - b.x, y: a.y - b.y };
  const v = { x: c.x - b.x, y: c.y - b.y };
  const cos = (u.x * v.x + u.y * v.y) / (Math.hypot(u.x, u.y) * Math.hypot(v.x, v.y) || 1);
  return Math.acos(Math.max(-1, Math.min(1, cos))) / DEG;
}
