import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvManifest, parseJsonl } from '../../../lib/import/manifest';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\n"multi\nline",z\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['multi\nline', 'z']]);
  });
  it('reads CRLF files and skips blank lines', () => {
    expect(parseCsv('a,b\r\nc,d\r\n')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(parseCsv('a\n\n\nb\n')).toEqual([['a'], ['b']]);
  });
});

describe('parseCsvManifest', () => {
  it('reads image,label,group,split rows, blanks as absent', () => {
    expect(parseCsvManifest('image,label,group,split\nimg/1.png,cat,,holdout\nimg/2.png,,g1,\n')).toEqual([
      { line: 2, row: { image: 'img/1.png', label: 'cat', split: 'holdout' } },
      { line: 3, row: { image: 'img/2.png', group: 'g1' } },
    ]);
  });
  it('reports a row with an unknown split by line, keeping the others', () => {
    const out = parseCsvManifest('image,split\na.png,train\nb.png,pool\n');
    expect(out[0]).toMatchObject({ line: 2, error: expect.stringMatching(/split/) });
    expect(out[1]).toEqual({ line: 3, row: { image: 'b.png', split: 'pool' } });
  });
  it('reports a malformed CSV as one error instead of throwing', () => {
    expect(parseCsvManifest('image\n"a.png\n')).toEqual([{ line: 1, error: expect.stringMatching(/CSV/) }]);
  });
  it('refuses a header without an image column', () => {
    expect(parseCsvManifest('file,label\na.png,cat\n')).toEqual([{ line: 1, error: expect.stringMatching(/image/) }]);
  });
});

describe('parseJsonl', () => {
  it('reads one object per line and reports bad lines by number', () => {
    const out = parseJsonl('{"image":"a.png","label":"cat"}\n\nnot json\n{"label":"dog"}\n');
    expect(out).toEqual([
      { line: 1, row: { image: 'a.png', label: 'cat' } },
      { line: 3, error: 'not valid JSON' },
      { line: 4, error: expect.stringMatching(/image/) },
    ]);
  });
});
