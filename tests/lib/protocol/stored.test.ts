import { describe, expect, it } from 'vitest';
import { Int4, isStorableText, Real, RealUnit, StoredText } from '../../../lib/protocol/stored';

describe('what Postgres can store', () => {
  it('refuses NUL and lone surrogates in text, and keeps pairs, emoji and U+FFFD', () => {
    for (const s of ['a\u0000', '\uD800', 'x\uD800y', '\uDC00', 'x\uDFFF', '\uDC00\uD800']) expect(isStorableText(s), JSON.stringify(s)).toBe(false);
    for (const s of ['', 'plain', '\u{1F600}', '\uD83D\uDE00', '\uFFFD', 'e\u0301', '\u0001']) expect(isStorableText(s), JSON.stringify(s)).toBe(true);
  });

  it('chains like a string schema and names the problem', () => {
    const Name = StoredText.trim().min(1).max(5);
    expect(Name.parse('  ab ')).toBe('ab');
    expect(Name.safeParse('a\u0000').error?.issues[0].message).toMatch(/NUL/);
    expect(Name.safeParse('abcdef').success).toBe(false);
  });

  it('bounds float4 and integer columns: 1e308 refused, 1e-50 stored as 0', () => {
    expect(Real.safeParse(1e308).success).toBe(false);
    expect(Real.safeParse(-3.5e38).success).toBe(false);
    expect(Real.safeParse(Number.NaN).success).toBe(false);
    expect(Real.parse(3.4e38)).toBeCloseTo(3.4e38, -32);
    expect(Real.parse(1e-50)).toBe(0);
    expect(Real.parse(0.5)).toBe(0.5);
    expect(RealUnit.parse(1e-50)).toBe(0);
    expect(RealUnit.safeParse(1.01).success).toBe(false);
    expect(Int4.safeParse(2 ** 31).success).toBe(false);
    expect(Int4.parse(2 ** 31 - 1)).toBe(2147483647);
  });
});
