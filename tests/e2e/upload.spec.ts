import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import fs from 'node:fs';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { consoleErrors, loginInBrowser } from '../fixtures/browser';
import { zipSync } from 'fflate';
import { pngBytes } from '../fixtures/images';
import { splitForGroup } from '../../lib/holdout';

const DATA = path.resolve('tests/.tmp/e2e-upload');
const FILES = path.resolve('tests/.tmp/e2e-upload-files');
const SHOTS = path.resolve('tests/.tmp/screenshots');
const MARKUP = '<img src=x onerror=alert(1)>.png';

/** A folder per class as a person keeps one: pets/cat/*.png, pets/dog/*.png, one of them cut off. */
function writeFolder(): string {
  const root = path.join(FILES, 'pets');
  fs.rmSync(FILES, { recursive: true, force: true });
  for (const [cls, seeds] of [['cat', [11, 12]], ['dog', [13]]] as const) {
    fs.mkdirSync(path.join(root, cls), { recursive: true });
    for (const s of seeds) fs.writeFileSync(path.join(root, cls, `${cls}-${s}.png`), pngBytes(s, 24, 24));
  }
  fs.writeFileSync(path.join(root, 'dog', MARKUP), pngBytes(14, 24, 24).subarray(0, 60));
  return root;
}

async function itemCount(page: Page, base: string, projectId: number): Promise<number> {
  const r = await page.request.get(`${base}/api/projects/${projectId}/progress`);
  return (await r.json()).total as number;
}

test.describe('uploading data in the browser', () => {
  let server: TandemProcess;
  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '20' } });
  });
  test.afterAll(async () => { await server?.stop(); });

  test('an admin uploads a folder with a broken file; the summary names it as text, and the items reach an open labeling page at once', async ({ browser }) => {
    const admin = await (await browser.newContext()).newPage();
    const errors = consoleErrors(admin);
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    // An empty project with an annotator whose labeling page is open and has nothing to show.
    const created = await admin.request.post(`${server.url}/api/projects`, { data: { slug: 'pets', name: 'Pets', classes: ['cat', 'dog'] } });
    expect(created.status()).toBe(200);
    const projectId = (await created.json()).project.id as number;
    const users = (await (await admin.request.get(`${server.url}/api/users`)).json()) as { users?: { id: number; email: string }[] } | { id: number; email: string }[];
    const ann = (Array.isArray(users) ? users : users.users ?? []).find((u) => u.email === 'ann1@tandem.local')!;
    expect((await admin.request.put(`${server.url}/api/projects/${projectId}/members`, { data: { userId: ann.id, role: 'annotator' } })).status()).toBe(200);
    const annotator = await (await browser.newContext()).newPage();
    await loginInBrowser(annotator, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await annotator.goto(`${server.url}/projects/${projectId}/label`);
    await expect(annotator.getByTestId('queue-empty')).toBeVisible();

    await admin.goto(`${server.url}/projects/${projectId}/queue`);
    const area = admin.getByTestId('upload-area');
    await expect(area.getByTestId('upload-limits')).toContainText('up to 32 MiB per image');
    await area.getByTestId('upload-folder').setInputFiles(writeFolder());
    const upload = area.getByTestId('upload').first();
    // The folders look like classes: asked, never guessed.
    await expect(upload.getByTestId('upload-question')).toContainText('2 class names');
    await expect(upload.getByTestId('upload-question')).toContainText('cat, dog');
    await expect(upload).toContainText('pets · 4 files to send');
    await upload.getByTestId('upload-mode-ignore').click();
    await expect(upload).toHaveAttribute('data-phase', 'done');
    await expect(upload.getByTestId('upload-added')).toHaveText('3');
    await expect(upload.getByTestId('upload-skipped')).toHaveText('1');
    await expect(upload.getByTestId('upload-progress')).toHaveAttribute('aria-valuenow', '100');
    const failed = upload.getByTestId('upload-failed');
    await expect(failed).toContainText(`pets/dog/${MARKUP}`);
    await expect(failed).toContainText('a broken or cut-off PNG image');
    await expect(failed.locator('img')).toHaveCount(0);
    fs.mkdirSync(SHOTS, { recursive: true });
    await admin.screenshot({ path: path.join(SHOTS, 'upload-summary.png'), fullPage: true });
    expect(await itemCount(admin, server.url, projectId)).toBe(3);

    // The open page claims the new items when told (its own heartbeat is 30 s away; the assertion waits 15 s at most).
    await expect(annotator.getByTestId('current-item')).toBeVisible();

    // The same folder again: nothing imported twice.
    await area.getByTestId('upload-folder').setInputFiles(path.join(FILES, 'pets'));
    await admin.getByTestId('upload').first().getByTestId('upload-mode-ignore').click();
    await expect(admin.getByTestId('upload').first()).toHaveAttribute('data-phase', 'done');
    await expect(admin.getByTestId('upload').first().getByTestId('upload-duplicates')).toHaveText('3');
    expect(await itemCount(admin, server.url, projectId)).toBe(3);
    expect(errors).toEqual([]);
  });

  test('an oversized image and a wrong file type get a clear message and change nothing', async ({ page }) => {
    await loginInBrowser(page, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await page.goto(`${server.url}/projects/1/queue`);
    const before = await itemCount(page, server.url, 1);
    const area = page.getByTestId('upload-area');

    await area.getByTestId('upload-files').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') }]);
    const wrong = area.getByTestId('upload').first();
    await expect(wrong).toHaveAttribute('data-phase', 'nothing');
    await expect(wrong.getByTestId('upload-error')).toContainText('Nothing here can be imported (the list below says why). Tandem takes PNG and JPEG images');
    await expect(wrong.getByTestId('upload-failed')).toContainText('notes.txt: not a .png, .jpg or .jpeg file');

    const big = Buffer.concat([pngBytes(1), Buffer.alloc(33 * 1024 * 1024)]);
    await area.getByTestId('upload-files').setInputFiles([{ name: 'huge.png', mimeType: 'image/png', buffer: big }]);
    const over = area.getByTestId('upload').first();
    await expect(over).toHaveAttribute('data-phase', 'nothing');
    await expect(over.getByTestId('upload-failed')).toContainText('huge.png: larger than 32 MiB, the most one image may be');

    // Sent by hand past the page's checks, the server refuses it in the same words (413) before importing anything.
    const form = { meta: JSON.stringify({ files: [{ name: 'huge.png' }] }), file: { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([big, Buffer.alloc(8 * 1024 * 1024)]) } };
    const refused = await page.request.post(`${server.url}/api/projects/1/uploads`, { multipart: form });
    expect(refused.status()).toBe(413);
    expect((await refused.json()).error.message).toMatch(/at most 40 MiB, and one image at most 32 MiB/);
    await page.screenshot({ path: path.join(SHOTS, 'upload-refused.png'), fullPage: true });
    expect(await itemCount(page, server.url, 1)).toBe(before);
  });

  test('a .zip is unpacked in the browser and imported; a zip bomb is refused before it is unpacked', async ({ page }) => {
    await loginInBrowser(page, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await page.goto(`${server.url}/projects/1/queue`);
    const before = await itemCount(page, server.url, 1);
    const area = page.getByTestId('upload-area');
    const zip = Buffer.from(zipSync({ 'scan/a.png': pngBytes(41, 28, 28), 'scan/b.jpg.txt': new Uint8Array([1, 2, 3]) }));
    await area.getByTestId('upload-files').setInputFiles([{ name: 'scan.zip', mimeType: 'application/zip', buffer: zip }]);
    const good = area.getByTestId('upload').first();
    await expect(good).toHaveAttribute('data-phase', 'done');
    await expect(good.getByTestId('upload-added')).toHaveText('1');
    await expect(good.getByTestId('upload-failed')).toContainText('scan.zip: scan/b.jpg.txt: not a .png, .jpg or .jpeg file');
    expect(await itemCount(page, server.url, 1)).toBe(before + 1);

    // A small zip whose directory says its entry unpacks to ~4 GiB: refused from the directory alone.
    const bomb = Buffer.from(zipSync({ 'bomb.png': new Uint8Array(1000) }));
    const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(0xfffffff0, central + 24);
    bomb.writeUInt32LE(0xfffffff0, 22);
    await area.getByTestId('upload-files').setInputFiles([{ name: 'bomb.zip', mimeType: 'application/zip', buffer: bomb }]);
    const refused = area.getByTestId('upload').first();
    await expect(refused).toHaveAttribute('data-phase', 'nothing');
    await expect(refused.getByTestId('upload-failed')).toContainText('bomb.zip: the .zip unpacks to 4096 MiB, more than the 2048 MiB allowed');
    expect(await itemCount(page, server.url, 1)).toBe(before + 1);
  });

  test('folder names taken as prelabels to confirm: the annotator sees the imported class and confirms it with Enter', async ({ browser }) => {
    const admin = await (await browser.newContext()).newPage();
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    const created = await admin.request.post(`${server.url}/api/projects`, { data: { slug: 'birds', name: 'Birds', classes: ['owl', 'crow'] } });
    const projectId = (await created.json()).project.id as number;
    const users = (await (await admin.request.get(`${server.url}/api/users`)).json()).users as { id: number; email: string }[];
    const ann = users.find((u) => u.email === 'ann2@tandem.local')!;
    await admin.request.put(`${server.url}/api/projects/${projectId}/members`, { data: { userId: ann.id, role: 'annotator' } });

    // Pool items only (the page draws 10% into the holdout by name, where no prelabel is shown): names picked by the same draw.
    const root = path.join(FILES, 'birds');
    fs.mkdirSync(path.join(root, 'owl'), { recursive: true });
    let written = 0;
    for (let s = 100; written < 2; s++) {
      if (splitForGroup(`birds/owl/owl-${s}.png`, 0.1, 1) !== 'pool') continue;
      fs.writeFileSync(path.join(root, 'owl', `owl-${s}.png`), pngBytes(s, 20, 20));
      written++;
    }
    await admin.goto(`${server.url}/projects/${projectId}/queue`);
    await admin.getByTestId('upload-folder').setInputFiles(root);
    await admin.getByTestId('upload').first().getByTestId('upload-mode-prelabel').click();
    await expect(admin.getByTestId('upload').first().getByTestId('upload-added')).toHaveText('2');

    const page = await (await browser.newContext()).newPage();
    await loginInBrowser(page, server.url, 'ann2@tandem.local', DEMO_PASSWORD);
    await page.goto(`${server.url}/projects/${projectId}/label`);
    const line = page.getByTestId('suggestion');
    await expect(line).toContainText('Imported as owl, to confirm');
    await expect(page.locator('.class-buttons button[data-class="owl"]')).toHaveAttribute('data-suggested', 'true');
    await page.screenshot({ path: path.join(SHOTS, 'upload-prelabel.png') });
    const item = await page.getByTestId('current-item').getAttribute('data-item-id');
    await page.keyboard.press('Enter');
    await expect(page.getByText(`last: item ${item} → owl`)).toBeVisible();
  });

  test('a box project takes a COCO file dropped with its images; its boxes become answers after the question', async ({ page }) => {
    await loginInBrowser(page, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    const created = await page.request.post(`${server.url}/api/projects`, { data: { slug: 'street', name: 'Street', taskType: 'boxes', classes: ['car', 'person'] } });
    const projectId = (await created.json()).project.id as number;
    const root = path.join(FILES, 'street');
    fs.mkdirSync(root, { recursive: true });
    const coco = {
      images: [1, 2].map((id) => ({ id, file_name: `s${id}.png`, width: 32, height: 24 })),
      categories: [{ id: 1, name: 'car' }, { id: 2, name: 'person' }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 10, 8], area: 80, iscrowd: 0 }],
    };
    for (const img of coco.images) fs.writeFileSync(path.join(root, img.file_name), pngBytes(200 + img.id, 32, 24));
    fs.writeFileSync(path.join(root, 'instances.json'), JSON.stringify(coco));
    await page.goto(`${server.url}/projects/${projectId}/queue`);
    await page.getByTestId('upload-folder').setInputFiles(root);
    const upload = page.getByTestId('upload').first();
    await expect(upload.getByTestId('upload-question')).toContainText('answers from the COCO file (boxes of car)');
    await upload.getByTestId('upload-mode-annotate').click();
    await expect(upload.getByTestId('upload-added')).toHaveText('2');
    const progress = await (await page.request.get(`${server.url}/api/projects/${projectId}/progress`)).json();
    expect(progress).toMatchObject({ total: 2, labeled: 2 });
  });

  test('a box project takes a YOLO dataset folder; its label files become answers in pixels after the question', async ({ page }) => {
    await loginInBrowser(page, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    const created = await page.request.post(`${server.url}/api/projects`, { data: { slug: 'roads', name: 'Roads', taskType: 'boxes', classes: ['car', 'person'] } });
    const projectId = (await created.json()).project.id as number;
    const root = path.join(FILES, 'roads');
    fs.mkdirSync(path.join(root, 'images'), { recursive: true });
    fs.mkdirSync(path.join(root, 'labels'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data.yaml'), 'names: [car, person]\n');
    for (const id of [1, 2]) fs.writeFileSync(path.join(root, 'images', `r${id}.png`), pngBytes(400 + id, 40, 20));
    fs.writeFileSync(path.join(root, 'labels', 'r1.txt'), '1 0.5 0.5 0.5 0.5\n');
    await page.goto(`${server.url}/projects/${projectId}/queue`);
    await page.getByTestId('upload-folder').setInputFiles(root);
    const upload = page.getByTestId('upload').first();
    await expect(upload.getByTestId('upload-question')).toContainText('answers from the YOLO labels');
    await upload.getByTestId('upload-mode-annotate').click();
    await expect(upload.getByTestId('upload-added')).toHaveText('2');
    const all = await page.request.get(`${server.url}/api/projects/${projectId}/export?format=jsonl`);
    const rows = (await all.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.find((r) => r.image === 'images/r1.png').answer).toEqual({ boxes: [{ class: 'person', x: 10, y: 5, w: 20, h: 10 }] });
    expect(rows.find((r) => r.image === 'images/r2.png').answer).toEqual({ boxes: [] });
  });

  test('a dropped connection is retried: the batch is sent again and nothing is lost or imported twice', async ({ page }) => {
    await loginInBrowser(page, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    const created = await page.request.post(`${server.url}/api/projects`, { data: { slug: 'flaky', name: 'Flaky', classes: ['a', 'b'] } });
    const projectId = (await created.json()).project.id as number;
    let cut = 0;
    // The first request's connection is reset after the server got it: the page cannot know whether it arrived.
    await page.route('**/uploads', async (route) => {
      if (cut++ === 0) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.goto(`${server.url}/projects/${projectId}/queue`);
    const files = [300, 301, 302].map((s) => ({ name: `f${s}.png`, mimeType: 'image/png', buffer: pngBytes(s, 16, 16) }));
    await page.getByTestId('upload-files').setInputFiles(files);
    const upload = page.getByTestId('upload').first();
    await expect(upload).toHaveAttribute('data-phase', 'done');
    expect(cut).toBe(2);
    // The second try found them all there already: counted as duplicates, stored once.
    await expect(upload.getByTestId('upload-duplicates')).toHaveText('3');
    await expect(upload.getByTestId('upload-resent')).toContainText('3 of them after a dropped connection');
    expect(await itemCount(page, server.url, projectId)).toBe(3);
  });

  test('files dropped on the drop zone are uploaded like picked ones', async ({ page }) => {
    await loginInBrowser(page, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    const created = await page.request.post(`${server.url}/api/projects`, { data: { slug: 'dropped', name: 'Dropped', classes: ['a', 'b'] } });
    const projectId = (await created.json()).project.id as number;
    await page.goto(`${server.url}/projects/${projectId}/queue`);
    const pngs = [400, 401].map((s) => [...pngBytes(s, 16, 16)]);
    const dt = await page.evaluateHandle((files) => {
      const d = new DataTransfer();
      files.forEach((bytes, i) => d.items.add(new File([new Uint8Array(bytes)], `drop-${i}.png`, { type: 'image/png' })));
      return d;
    }, pngs);
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: dt });
    const upload = page.getByTestId('upload').first();
    await expect(upload).toHaveAttribute('data-phase', 'done');
    await expect(upload.getByTestId('upload-added')).toHaveText('2');
    expect(await itemCount(page, server.url, projectId)).toBe(2);
  });
});
