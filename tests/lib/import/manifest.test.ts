import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvManifest, parseJsonl, parseManifest } from '../../../lib/import/manifest';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\n"multi\nline",z\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['multi\nline', 'z']]);
  });
  it('reads CRLF files with a byte order mark and skips blank lines', () => {
    expect(parseCsv('\uFEFFa,b\r\nc,d\r\n')).toEqual([['a', 'b'], ['c', 'd']]);
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
  it('takes the columns in any order and case, ignoring columns it does not know', () => {
    expect(parseCsvManifest('Label,annotator,IMAGE\ndog,ann@x,"a, b.png"\n')).toEqual([{ line: 2, row: { image: 'a, b.png', label: 'dog' } }]);
  });
  it('reports a row with an unknown split by line, keeping the others', () => {
    const out = parseCsvManifest('image,split\na.png,train\nb.png,pool\n');
    expect(out[0]).toEqual({ line: 2, error: expect.stringMatching(/split must be "pool" or "holdout"/) });
    expect(out[1]).toEqual({ line: 3, row: { image: 'b.png', split: 'pool' } });
  });
  it('reports a row without an image, and counts lines past a quoted newline', () => {
    expect(parseCsvManifest('image,label\n"x\ny.png",cat\n,dog\n')).toEqual([
      { line: 3, row: { image: 'x\ny.png', label: 'cat' } },
      { line: 4, error: expect.stringMatching(/image/) },
    ]);
  });
  it('reports a malformed CSV as one error instead of throwing', () => {
    expect(parseCsvManifest('image\n"a.png\n')).toEqual([{ line: 1, error: expect.stringMatching(/malformed CSV/) }]);
  });
  it('refuses a header without an image column', () => {
    expect(parseCsvManifest('file,label\na.png,cat\n')).toEqual([{ line: 1, error: expect.stringMatching(/"image" column/) }]);
  });
  it('reads a header-only or empty file as no rows', () => {
    expect(parseCsvManifest('image,label\n')).toEqual([]);
    expect(parseCsvManifest('')).toEqual([]);
  });
});

describe('parseJsonl', () => {
  it('reads one object per line and reports bad lines by number', () => {
    const out = parseJsonl('{"image":"a.png","label":"cat"}\n\nnot json\n{"label":"dog"}\n[1,2]\n');
    expect(out).toEqual([
      { line: 1, row: { image: 'a.png', label: 'cat' } },
      { line: 3, error: 'not valid JSON' },
      { line: 4, error: expect.stringMatching(/image/) },
      { line: 5, error: expect.stringMatching(/expected an object/) },
    ]);
  });
  it('accepts numbers as labels and groups, and null as absent', () => {
    expect(parseJsonl('{"image":"7.png","label":7,"group":12,"split":null,"annotator":null}')).toEqual([
      { line: 1, row: { image: '7.png', label: '7', group: '12' } },
    ]);
  });
  it('refuses a row whose text Postgres cannot store (NUL, a lone surrogate), naming the field, keeping the others', () => {
    const out = parseJsonl('{"image":"a\\u0000.png"}\n{"image":"b.png","label":"\\ud800"}\n{"image":"c.png","group":"g\\udc00"}\n{"image":"d.png","label":"\u{1F600}"}');
    expect(out).toEqual([
      { line: 1, error: expect.stringMatching(/^image: .*NUL/) },
      { line: 2, error: expect.stringMatching(/^label: .*surrogate/) },
      { line: 3, error: expect.stringMatching(/^group: .*surrogate/) },
      { line: 4, row: { image: 'd.png', label: '\u{1F600}' } },
    ]);
    expect(parseCsv('image,label\na.png,x\u0000y\n')).toEqual([['image', 'label'], ['a.png', 'x\u0000y']]);
    expect(parseManifest('m.csv', 'image,label\na.png,x\u0000y\n')).toEqual([{ line: 2, error: expect.stringMatching(/^label: /) }]);
  });
  it('refuses a blank label rather than importing it as a class', () => {
    expect(parseJsonl('{"image":"a.png","label":"  "}')).toEqual([{ line: 1, error: expect.stringMatching(/label/) }]);
  });
});

describe('parseManifest', () => {
  it('picks the format by extension and refuses other files', () => {
    expect(parseManifest('labels.JSONL', '{"image":"a.png"}')).toEqual([{ line: 1, row: { image: 'a.png' } }]);
    expect(parseManifest('labels.csv', 'image\na.png\n')).toEqual([{ line: 2, row: { image: 'a.png' } }]);
    expect(parseManifest('labels.txt', 'a.png')).toBeNull();
  });
});
