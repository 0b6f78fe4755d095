import { describe, expect, it } from 'vitest';
import { chooseBuiltin, isColour, parseBuiltinRef } from '../../../lib/model/builtin-embeddings';

const gray = (n: number, v = 120) => Array.from({ length: n }, () => [v, v, v, 255]).flat();

describe('built-in embeddings', () => {
  it('auto keeps raw pixels for small gray images (the MNIST demo) and for a project without images', () => {
    expect(chooseBuiltin([{ width: 28, height: 28, colour: false }, { width: 64, height: 40, colour: false }])).toMatchObject({ name: 'pixels', chosen: 'auto' });
    expect(chooseBuiltin([])).toEqual({ name: 'pixels', chosen: 'auto', reason: 'no images yet' });
  });

  it('auto picks the photo CNN when any sampled image is larger than 64 px or in colour', () => {
    expect(chooseBuiltin([{ width: 28, height: 28, colour: false }, { width: 640, height: 480, colour: null }]))
      .toEqual({ name: 'mobilenet-v2', chosen: 'auto', reason: 'images up to 640×480 px (more than 64)' });
    expect(chooseBuiltin([{ width: 65, height: 10, colour: false }]).name).toBe('mobilenet-v2');
    expect(chooseBuiltin([{ width: 32, height: 32, colour: false }, { width: 32, height: 32, colour: true }]))
      .toEqual({ name: 'mobilenet-v2', chosen: 'auto', reason: 'colour images' });
  });

  it('tells colour from gray, JPEG-like chroma noise included', () => {
    expect(isColour(gray(100))).toBe(false);
    const noisy = gray(100).map((v, i) => (i % 4 === 0 ? v + 3 : v)); // red 3 levels off everywhere
    expect(isColour(noisy)).toBe(false);
    const red = Array.from({ length: 100 }, () => [200, 40, 40, 255]).flat();
    expect(isColour(red)).toBe(true);
    expect(isColour([])).toBe(false);
  });

  it('reads builtin:NAME references and nothing else', () => {
    expect(parseBuiltinRef('builtin:mobilenet-v2')).toBe('mobilenet-v2');
    expect(parseBuiltinRef('builtin:pixels')).toBe('pixels');
    expect(parseBuiltinRef('builtin:resnet')).toBeNull();
    expect(parseBuiltinRef('mobilenet-v2')).toBeNull();
  });
});
