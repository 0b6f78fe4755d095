import { describe, expect, it } from 'vitest';
import { planYolo, type SizeOf } from '../../../components/upload/yolo';
import type { ProjectTask } from '../../../lib/tasks';
import { pngBytes } from '../../fixtures/images';

const task: ProjectTask = { task: 'boxes', config: { classes: ['car', 'person'] } };
/** What the browser's decode says, read here from the PNG header (width and height at bytes 16–23); a cut-off file throws. */
const pngSize: SizeOf = async (data) => {
  const b = new Uint8Array(await data.arrayBuffer());
  if (b.length < 33) throw new Error('cut off');
  const v = new DataView(b.buffer, b.byteOffset);
  return { width: v.getUint32(16), height: v.getUint32(20) };
};
const file = (path: string, body: Uint8Array | string) => {
  const data = new Blob([typeof body === 'string' ? body : new Uint8Array(body)]);
  return { path, size: data.size, data };
};
const yaml = file('cars/data.yaml', 'names: [car, person]\n');

describe('a YOLO dataset dropped in the browser', () => {
  it('sends each image with its boxes in pixels, and neither data.yaml nor the label files', async () => {
    const files = [
      file('cars/images/a.png', pngBytes(1, 100, 50)), file('cars/labels/a.txt', '0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.2 0.2\n'),
      file('cars/images/b.png', pngBytes(2, 40, 40)), // no label file: an image with nothing on it
    ];
    const plan = await planYolo(yaml, [yaml, ...files], task, [], pngSize);
    expect(plan.failed).toEqual([]);
    expect(plan.answersFrom).toBe('yolo');
    expect(plan.classFolders).toEqual(['car', 'person']);
    expect(plan.entries.map((e) => e.file.path)).toEqual(['cars/images/a.png', 'cars/images/b.png']);
    expect(plan.entries[0].entry).toMatchObject({
      name: 'images/a.png', width: 100, height: 50,
      answer: { task: 'boxes', boxes: [{ class: 'car', x: 40, y: 15, w: 20, h: 20 }, { class: 'person', x: 0, y: 0, w: 20, h: 10 }] },
    });
    expect(plan.entries[1].entry).toMatchObject({ answer: { task: 'boxes', boxes: [] } });
  });

  it('names every problem by file and line and sends nothing, a broken image by name', async () => {
    const files = [
      file('cars/images/a.png', pngBytes(1, 100, 50)), file('cars/labels/a.txt', '7 0.5 0.5 0.2 0.4\n0 0.5 0.5\n'),
      file('cars/images/<b>cut</b>.png', pngBytes(3, 20, 20).subarray(0, 20)),
    ];
    const plan = await planYolo(yaml, [yaml, ...files], task, [], pngSize);
    expect(plan.entries).toEqual([]);
    expect(plan.failed).toEqual(expect.arrayContaining([
      { file: 'cars/images/<b>cut</b>.png', reason: 'a broken image: the browser cannot read it' },
      expect.objectContaining({ file: 'labels/a.txt:1', reason: expect.stringContaining('class 7 is not among') }),
      expect.objectContaining({ file: 'labels/a.txt:2', reason: expect.stringContaining('has 3 values') }),
    ]));
  });

  it('refuses boxes of a class the project does not have, saying which', async () => {
    const other = file('cars/data.yaml', 'names: [car, bus]\n');
    const plan = await planYolo(other, [other, file('cars/images/a.png', pngBytes(1, 10, 10)), file('cars/labels/a.txt', '1 0.5 0.5 0.2 0.2\n')], task, [], pngSize);
    expect(plan.entries).toEqual([]);
    expect(JSON.stringify(plan.failed)).toContain('bus');
    expect(JSON.stringify(plan.failed)).toContain('is used by 1 box but is not a class');
  });
});
