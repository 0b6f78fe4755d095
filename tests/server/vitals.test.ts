import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startVitals } from '../../server/vitals';

describe('server vitals (drill diagnostics)', () => {
  it('is off without TANDEM_VITALS_FILE', () => {
    expect(startVitals({})).toBeNull();
  });

  it('writes the memory split and loop delay once an interval', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-')), 'v.jsonl');
    const stop = startVitals({ TANDEM_VITALS_FILE: file, TANDEM_VITALS_MS: '1000' })!;
    try {
      vi.advanceTimersByTime(2000);
      await vi.waitFor(() => expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2));
      const line = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]);
      expect(Object.keys(line).sort()).toEqual(['arrayBuffersMiB', 'externalMiB', 'gc', 'heapTotalMiB', 'heapUsedMiB', 'loopDelayMaxMs', 'loopDelayP99Ms', 'rssMiB', 't']);
      expect(Object.keys(line.gc).sort()).toEqual(['major', 'minor']);
    } finally {
      stop();
      vi.useRealTimers();
    }
  });
});
