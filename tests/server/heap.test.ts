import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config';
import { applyHeapGrowth } from '../../server/heap';

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

describe("the server's heap growth", () => {
  it('bounds how far V8 grows the heap past what is live: 50% unless configured', () => {
    expect(readConfig(env({})).heapGrowthPercent).toBe(50);
    expect(readConfig(env({ TANDEM_HEAP_GROWTH_PERCENT: '20' })).heapGrowthPercent).toBe(20);
    const set: string[] = [];
    applyHeapGrowth(20, (f) => set.push(f));
    expect(set).toEqual(['--heap-growing-percent=20']);
  });

  it("leaves V8's own factor with 0", () => {
    const set: string[] = [];
    applyHeapGrowth(0, (f) => set.push(f));
    expect(set).toEqual([]);
  });

  it('refuses a value that is not a whole percentage in range, saying which variable', () => {
    expect(() => readConfig(env({ TANDEM_HEAP_GROWTH_PERCENT: '-5' }))).toThrow(/TANDEM_HEAP_GROWTH_PERCENT/);
    expect(() => readConfig(env({ TANDEM_HEAP_GROWTH_PERCENT: 'lots' }))).toThrow(/TANDEM_HEAP_GROWTH_PERCENT/);
  });
});
