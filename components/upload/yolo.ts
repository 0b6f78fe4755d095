import { IMAGE_NAME } from '@/lib/import/images';
import { planUpload, type UploadFailure, type UploadPlan } from '@/lib/import/upload';
import type { ProjectTask } from '@/lib/tasks';
import { decodeYolo, yoloLabelPath } from '@/lib/tasks/codecs';
import { fitToProject } from '@/lib/tasks/codecs/fit';

/** A dropped file, as collect.ts hands it over. */
interface FileLike { path: string; size: number; data: Blob }

/** An image's size in pixels: YOLO's coordinates are fractions of it. */
export type SizeOf = (data: Blob) => Promise<{ width: number; height: number }>;

/** The browser reads the size by decoding the image (what a page can read is what the server will take). */
export const bitmapSize: SizeOf = async (data) => {
  const bitmap = await createImageBitmap(data);
  try {
    return { width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
};

/**
 * A YOLO dataset dropped as a folder (data.yaml, images/…, labels/….txt): decoded and fitted by
 * the same codec as `tandem import --format yolo`, every problem listed by file and line and
 * nothing sent when there is one; the images then go as a COCO file's do, each with its answer.
 */
export async function planYolo<F extends FileLike>(
  yaml: F, files: readonly F[], task: ProjectTask, refused: UploadFailure[], sizeOf: SizeOf = bitmapSize,
): Promise<UploadPlan<F>> {
  const root = yaml.path.includes('/') ? yaml.path.slice(0, yaml.path.lastIndexOf('/')) : '';
  const relOf = (p: string) => (root ? (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : null) : p);
  const byRel = new Map<string, F>();
  for (const f of files) {
    const rel = relOf(f.path);
    if (rel !== null) byRel.set(rel, f);
  }
  const failed = [...refused];
  const labels = [];
  for (const [image, f] of byRel) {
    if (!IMAGE_NAME.test(image)) continue;
    let size: { width: number; height: number };
    try {
      size = await sizeOf(f.data);
    } catch {
      failed.push({ file: f.path, reason: 'a broken image: the browser cannot read it' });
      continue;
    }
    const labelFile = yoloLabelPath(image);
    const text = byRel.get(labelFile);
    labels.push({ image, ...size, file: labelFile, text: text ? await text.data.text() : null });
  }
  const decoded = decodeYolo({ dataYaml: { file: yaml.path, text: await yaml.data.text() }, labels });
  const fitted = decoded.ok ? fitToProject(decoded.value, task) : decoded;
  if (!fitted.ok) return { entries: [], classFolders: [], failed: [...failed, ...fitted.issues.map((i) => ({ file: i.where, reason: i.message }))] };
  const images = files.filter((f) => f !== yaml && !/\.txt$/i.test(f.path));
  const plan = planUpload(images, undefined, { path: yaml.path, images: fitted.value });
  return { ...plan, failed: [...failed, ...plan.failed], ...(plan.answersFrom ? { answersFrom: 'yolo' as const } : {}) };
}
