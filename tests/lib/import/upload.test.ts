import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../lib/import/manifest';
import { checkZipDirectory, commonRoot, planBatches, planUpload, UPLOAD_LIMITS } from '../../../lib/import/upload';

const f = (path: string, size = 100) => ({ path, size });

describe('planUpload', () => {
  it('reads a dropped folder per class as tandem import does: sub-folders are classes, loose images unlabeled', () => {
    const plan = planUpload([f('digits/7/a.png'), f('digits/3/b.jpg'), f('digits/loose.png'), f('digits/.DS_Store'), f('digits/3/readme.txt'), f('digits/3/deep/c.png')]);
    expect(plan.entries.map((e) => e.entry)).toEqual([
      { name: 'digits/3/b.jpg', label: '3' }, { name: 'digits/7/a.png', label: '7' }, { name: 'digits/loose.png' },
    ]);
    expect(plan.classFolders).toEqual(['3', '7']);
    expect(plan.failed).toEqual([
      { file: 'digits/3/deep/c.png', reason: 'folders inside a class folder are not imported' },
      { file: 'digits/3/readme.txt', reason: 'not a .png, .jpg or .jpeg file' },
    ]);
  });

  it('treats loose dropped files as unlabeled, and refuses empty and oversized ones by name', () => {
    const plan = planUpload([f('a.png'), f('b.png', 0), f('c.png', UPLOAD_LIMITS.fileBytes + 1)]);
    expect(plan.entries.map((e) => e.entry)).toEqual([{ name: 'a.png' }]);
    expect(plan.classFolders).toEqual([]);
    expect(plan.failed.map((x) => x.reason)).toEqual(['the file is empty', 'larger than 32 MiB, the most one image may be']);
  });

  it('takes labels, groups and splits from a manifest, and names the rows whose image was not dropped', () => {
    const text = 'image,label,split\n./x/a.png,cat,holdout\nmissing.png,dog,\n,cat,\n';
    const plan = planUpload([f('set/x/a.png'), f('set/other.png')], { path: 'set/list.csv', lines: parseManifest('list.csv', text)! });
    expect(plan.entries.map((e) => e.entry)).toEqual([{ name: 'x/a.png', label: 'cat', split: 'holdout' }]);
    expect(plan.failed.map((x) => x.file)).toEqual(['missing.png', 'list.csv:4']);
    expect(plan.failed[0].reason).toMatch(/list\.csv line 3 names it, but it is not among the dropped files/);
  });

  it('matches a COCO file\'s images by file_name beside the file, each with its answer and stated size', () => {
    const answer = { task: 'boxes' as const, boxes: [{ class: 'car', x: 1, y: 1, w: 2, h: 2 }] };
    const plan = planUpload([f('set/img/a.png'), f('set/instances.json')], undefined, {
      path: 'set/instances.json', images: [{ fileName: 'img/a.png', width: 8, height: 6, answer }, { fileName: 'img/gone.png', width: 8, height: 6, answer }],
    });
    expect(plan.entries.map((e) => e.entry)).toEqual([{ name: 'img/a.png', answer, width: 8, height: 6 }]);
    expect(plan.answersFrom).toBe('coco');
    expect(plan.classFolders).toEqual(['car']);
    expect(plan.failed).toEqual([{ file: 'img/gone.png', reason: 'instances.json names it, but it is not among the dropped files' }]);
  });

  it('finds the dropped folder only when every path starts with it', () => {
    expect(commonRoot(['a/x.png', 'a/b/y.png'])).toBe('a');
    expect(commonRoot(['a/x.png', 'b/y.png'])).toBe('');
    expect(commonRoot(['x.png'])).toBe('');
  });
});

describe('planBatches', () => {
  it('cuts in order by bytes and by count, a large file going alone', () => {
    expect(planBatches([3, 3, 3, 10, 1, 1, 1], { batchBytes: 6, batchFiles: 2 })).toEqual([[0, 1], [2], [3], [4, 5], [6]]);
    expect(planBatches([], { batchBytes: 6, batchFiles: 2 })).toEqual([]);
  });
});

describe('checkZipDirectory', () => {
  it('refuses a zip that unpacks past the limit before anything is unpacked (a zip bomb)', () => {
    expect(checkZipDirectory(1000, [{ name: 'a.png', size: 10 }])).toBeNull();
    expect(checkZipDirectory(1000, [{ name: 'bomb.png', size: UPLOAD_LIMITS.zipUnpackedBytes + 1 }])).toMatch(/unpacks to 2049 MiB, more than the 2048 MiB allowed/);
    expect(checkZipDirectory(1000, Array.from({ length: UPLOAD_LIMITS.zipEntries + 1 }, () => ({ name: 'a', size: 0 })))).toMatch(/more than the 100,000 allowed/);
    expect(checkZipDirectory(UPLOAD_LIMITS.zipBytes + 1, [])).toMatch(/larger than 1024 MiB/);
  });
});
