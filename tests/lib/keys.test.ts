import { describe, expect, it } from 'vitest';
import { classKeys, keyMap } from '../../lib/keys';

describe('keyMap', () => {
  it('puts each digit class on its own digit key (press 7 for "7")', () => {
    const m = keyMap(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(m.get('7')).toBe('7');
    expect(m.get('0')).toBe('0');
  });
  it('gives other classes 1–9, 0, then letters, skipping s and z', () => {
    const classes = Array.from({ length: 13 }, (_, i) => `c${i}`);
    expect(classKeys(classes)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'a', 'b', 'c']);
    const many = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const keys = classKeys(many);
    expect(keys).not.toContain('s');
    expect(keys).not.toContain('z');
    expect(keys.filter((k) => k === null).length).toBe(40 - 34);
  });
});
