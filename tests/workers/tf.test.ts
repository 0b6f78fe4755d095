import { describe, expect, it } from 'vitest';
import { loadTf, parseChoice, startTf } from '../../workers/trainer/tf';

describe('the trainer’s tfjs runtime', () => {
  it('starts on wasm when tfjs-node-gpu is not installed, never the pure-JS cpu backend', async () => {
    const rt = await loadTf('auto');
    expect(rt.backend).toBe('wasm');
    expect(rt.tf.getBackend()).toBe('wasm');
    expect(rt.description).toMatch(/wasm/);
    const sum = rt.tf.tidy(() => rt.tf.tensor1d([1, 2, 3]).sum().dataSync()[0]);
    expect(sum).toBe(6);
  });

  it('refuses to run without the GPU package when the GPU is demanded, naming why', async () => {
    await expect(startTf('gpu')).rejects.toThrow(/tfjs-node-gpu cannot be used: not installed/);
  });

  it('reads TANDEM_TF_BACKEND strictly', () => {
    expect(parseChoice(undefined)).toBe('auto');
    expect(parseChoice('')).toBe('auto');
    expect(parseChoice('gpu')).toBe('gpu');
    expect(parseChoice('wasm')).toBe('wasm');
    expect(() => parseChoice('cpu')).toThrow(/auto, gpu or wasm/);
  });
});
