/** The queue page's view of the server's answers (GET /api/projects/:id/queue and /queue/holds), dates as ISO strings. */
export interface QueueView {
  projectId: number;
  state: 'open' | 'paused' | 'stopped' | 'holdout-only' | 'budget';
  paused: boolean;
  stopped: { reason: string; message: string; at: string; modelVersionId?: number | null } | null;
  settings: {
    batchSize: number; strategy: string; easyShare: number; maxHardInARow: number; overlapShare: number; overlapK: number; tieBreak: number;
    goldShare: number; holdoutShare: number; cold: string; diversity: string; shortlistFactor: number;
  };
  budget: { projectBudget: number | null; perAnnotatorBudget: number | null; used: number; open: number; remaining: number | null };
  stopping: {
    metric?: { atLeast: number };
    plateau?: { delta: number; versions: number };
    uncertaintyPlateau?: { delta: number; versions: number };
    whenMet: 'stop' | 'holdout-only';
  };
  projection:
    | { kind: 'no-target' }
    | { kind: 'reached' }
    | { kind: 'too-few-points'; have: number; need: number }
    | { kind: 'projected'; labelsNeeded: number; atLabels: number }
    | { kind: 'unreachable'; floor: number };
  controls: { counts: { pin: number; boost: number; exclude: number }; recent: { itemId: number; action: string; at: string }[] };
}

export interface Holder {
  userId: number;
  name: string;
  email: string;
  leases: { leaseId: number; itemId: number; stream: string; since: string; expiresAt: string }[];
}
