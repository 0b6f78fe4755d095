import { describe, expect, it } from 'vitest';
import { annotatorKind, Assignment, isHard, Stream, STREAM_KINDS } from '../../../lib/queue/streams';

describe('Stream', () => {
  it.each([
    { kind: 'uncertain', strategy: 'auto' },
    { kind: 'easy', confidence: 0.98, predicted: 2 },
    { kind: 'overlap', targetK: 3, labelsBefore: 2 },
    { kind: 'gold' },
    { kind: 'holdout', group: 4 },
    { kind: 'cold', method: 'stratified' },
  ])('parses a $kind stream', (s) => {
    expect(Stream.parse(s)).toEqual(s);
  });

  it('has one member per stream kind', () => {
    expect(Stream.options.map((o) => o.shape.kind.value).sort()).toEqual([...STREAM_KINDS].sort());
  });

  it('rejects an unknown kind and a member with the wrong fields', () => {
    expect(Stream.safeParse({ kind: 'redo' }).success).toBe(false);
    expect(Stream.safeParse({ kind: 'easy', confidence: 1.5, predicted: 0 }).success).toBe(false);
    expect(Stream.safeParse({ kind: 'cold', method: 'magic' }).success).toBe(false);
  });

  it('refuses an overlap item that already has its target number of labels', () => {
    const r = Stream.safeParse({ kind: 'overlap', targetK: 2, labelsBefore: 2 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('fewer labels than its target');
  });

  it('carries nothing on a gold stream: the answer never travels with the lease', () => {
    expect(Stream.safeParse({ kind: 'gold', answer: 'cat' }).success).toBe(false);
  });

  it('parses an assignment with and without a ranking', () => {
    expect(Assignment.parse({ item: 3, stream: { kind: 'gold' }, score: 0.4, rankingVersion: 9 }).rankingVersion).toBe(9);
    expect(Assignment.parse({ item: 3, stream: { kind: 'cold', method: 'random' }, score: null, rankingVersion: null }).score).toBeNull();
    expect(Assignment.safeParse({ item: -1, stream: { kind: 'gold' }, score: null, rankingVersion: null }).success).toBe(false);
  });
});

describe('isHard', () => {
  it('counts uncertain, overlap and gold as hard; easy, holdout and cold end a run', () => {
    expect(STREAM_KINDS.filter(isHard)).toEqual(['uncertain', 'overlap', 'gold']);
  });
});

describe('annotatorKind', () => {
  it('shows a gold item as its batch main stream, and every other item as itself', () => {
    expect(annotatorKind({ kind: 'gold' }, 'uncertain')).toBe('uncertain');
    expect(annotatorKind({ kind: 'gold' }, 'cold')).toBe('cold');
    expect(annotatorKind({ kind: 'easy', confidence: 0.9, predicted: 1 }, 'uncertain')).toBe('easy');
    expect(annotatorKind({ kind: 'holdout', group: 0 }, 'cold')).toBe('holdout');
  });
});
