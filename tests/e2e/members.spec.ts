import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { loginInBrowser } from '../fixtures/browser';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

const DATA = path.resolve('tests/.tmp/e2e-members');
const SHOTS = process.env.TANDEM_SCREENSHOTS;

/**
 * Members, invites and guidelines in a real browser: the admin writes guidelines and invites an
 * annotator by link; the annotator accepts, logs in, reads the guidelines on the first visit and
 * labels; once removed, they are refused. Bad input at each form gets a sentence and changes nothing.
 */
test.describe('members, invites and guidelines', () => {
  let server: TandemProcess;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '40' } });
  });
  test.afterAll(async () => { await server?.stop(); });

  const shot = async (page: Page, name: string) => { if (SHOTS) await page.screenshot({ path: path.join(SHOTS, name), fullPage: true }); };

  test('an admin invites an annotator by link; they accept, log in, read the guidelines first, label, and are refused once removed', async ({ browser }) => {
    const admin = await (await browser.newContext()).newPage();
    admin.on('dialog', (d) => void d.accept());
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    const projects = await (await admin.request.get(`${server.url}/api/projects`)).json() as { id: number; slug: string }[];
    const pid = projects.find((p) => p.slug === 'mnist-demo')!.id;
    const items = await (await admin.request.get(`${server.url}/api/projects/${pid}/items?sort=id&limit=3`)).json() as { items: { id: number }[] };
    await admin.goto(`${server.url}/projects/${pid}/queue`);
    const panel = admin.getByTestId('members-panel');
    const members = panel.getByTestId('member-row');
    const before = await members.count();

    // Bad input at the invite form: a sentence each, nothing invited or added.
    const form = panel.getByTestId('invite-form');
    await form.getByTestId('invite-send').click();
    await expect(form.getByTestId('invite-error')).toHaveText('Enter the email address of the person to invite.');
    await form.getByTestId('invite-email').fill('not an email');
    await form.getByTestId('invite-send').click();
    await expect(form.getByTestId('invite-error')).toHaveText(/^That is not an email address/);
    await form.getByTestId('invite-email').fill('pat@tandem.local');
    await form.getByTestId('invite-method').selectOption('password');
    await form.getByTestId('invite-name').fill('<b>Pat</b>');
    await form.getByTestId('invite-password').fill('pat-password');
    await form.getByTestId('invite-send').click();
    await expect(form.getByTestId('invite-error')).toHaveText('A name cannot contain < or >: write it as plain text.');
    const badRole = await admin.request.post(`${server.url}/api/projects/${pid}/invites`, { data: { email: 'x@tandem.local', role: 'owner' } });
    expect(badRole.status()).toBe(400);
    expect(await badRole.json()).toEqual({ error: { code: 'bad_request', message: 'Choose a role: lead or annotator.' } });
    await admin.reload();
    await expect(members).toHaveCount(before);
    await expect(panel.getByTestId('invite-row')).toHaveCount(0);

    // A name with markup that came in another way (the users API) is shown as text.
    expect((await admin.request.post(`${server.url}/api/users`, { data: { email: 'eve@tandem.local', name: '<img src=x onerror=alert(1)>Eve', password: 'eve-password' } })).ok()).toBe(true);
    await form.getByTestId('invite-email').fill('eve@tandem.local');
    await form.getByTestId('invite-send').click();
    await expect(panel.locator('[data-testid="member-row"][data-email="eve@tandem.local"]')).toContainText('<img src=x onerror=alert(1)>Eve');
    await expect(panel.locator('img')).toHaveCount(0);

    // Guidelines with an example per class, previewed as typed; raw HTML is dropped.
    const editor = admin.getByTestId('guidelines-editor');
    await editor.getByTestId('guidelines-markdown').fill('# How to label\n\nPress the **digit** you see.\n\n<script>window.__ran = 1</script>\n\n- a 7 may have a bar');
    await editor.locator('[data-testid="guidelines-examples"][data-class="1"]').fill(`${items.items[0].id}, ${items.items[1].id}`);
    await expect(editor.getByTestId('guidelines-preview').getByRole('heading', { name: 'How to label' })).toBeVisible();
    await editor.locator('[data-testid="guidelines-examples"][data-class="2"]').fill('twelve');
    await editor.getByTestId('guidelines-save').click();
    await expect(editor.getByTestId('guidelines-error')).toHaveText('Examples for 2 are not item ids: write ids such as 12, 40.');
    await editor.locator('[data-testid="guidelines-examples"][data-class="2"]').fill('999999');
    await editor.getByTestId('guidelines-save').click();
    await expect(editor.getByTestId('guidelines-error')).toContainText('No item 999999 in this project');
    await editor.locator('[data-testid="guidelines-examples"][data-class="2"]').fill('');
    await editor.getByTestId('guidelines-save').click();
    await expect(editor.getByRole('status')).toContainText('Saved');

    // The invite link.
    await form.getByTestId('invite-email').fill('Dora@Tandem.local');
    await form.getByTestId('invite-send').click();
    const link = await form.getByTestId('invite-link').inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await admin.reload();
    await expect(panel.locator('[data-testid="invite-row"][data-email="dora@tandem.local"]')).toBeVisible();
    await shot(admin, 'members-queue.png');

    // The invitee: markup in the name and a short password are refused in words; then they join.
    const dora = await (await browser.newContext()).newPage();
    await dora.goto(link);
    await expect(dora.getByTestId('invite-page')).toContainText('as an annotator, with the email dora@tandem.local');
    await dora.getByTestId('accept-name').fill('<i>Dora</i>');
    await dora.getByTestId('accept-password').fill('dora-password');
    await dora.getByTestId('accept-again').fill('dora-password');
    await dora.getByTestId('accept-send').click();
    await expect(dora.getByTestId('accept-error')).toHaveText('A name cannot contain < or >: write it as plain text.');
    await dora.getByTestId('accept-name').fill('Dora');
    await dora.getByTestId('accept-password').fill('short');
    await dora.getByTestId('accept-again').fill('short');
    await dora.getByTestId('accept-send').click();
    await expect(dora.getByTestId('accept-error')).toHaveText('A password needs at least 8 characters.');
    await shot(dora, 'invite-accept.png');
    await dora.getByTestId('accept-password').fill('dora-password');
    await dora.getByTestId('accept-again').fill('dora-password');
    await dora.getByTestId('accept-send').click();
    await expect(dora).toHaveURL(/\/login\?email=dora%40tandem.local/);
    await expect(dora.getByLabel('Email')).toHaveValue('dora@tandem.local');
    await dora.getByLabel('Password').fill('dora-password');
    await dora.getByRole('button', { name: 'Log in' }).click();

    // First visit: the guidelines open over the labeling page; keys typed while reading label nothing.
    const dialog = dora.getByTestId('guidelines-dialog');
    await expect(dialog.getByRole('heading', { name: 'How to label' })).toBeVisible();
    await expect(dialog.locator('[data-testid="guideline-class"][data-class="1"] img')).toHaveCount(2);
    expect(await dora.evaluate(() => (window as unknown as { __ran?: number }).__ran)).toBeUndefined();
    await expect(dora.getByTestId('current-item')).toBeVisible();
    await shot(dora, 'guidelines-first-visit.png');
    await dora.keyboard.press('3');
    await dialog.getByTestId('guidelines-close').click();
    await expect(dialog).toBeHidden();
    await expect(dora.getByTestId('mine-count')).toHaveText('0');
    const answered = Number(await dora.getByTestId('current-item').getAttribute('data-item-id'));
    await dora.keyboard.press('1');
    await expect(dora.getByTestId('mine-count')).toHaveText('1');
    // The count moves when the label is queued; leaving before it is committed would leave Your answers without it.
    await expect(dora.getByTestId('pending-count')).toHaveCount(0);

    // The admin's comment on her answer reaches her: on Your answers and on the item's page, as text.
    expect((await admin.request.post(`${server.url}/api/projects/${pid}/items/${answered}/comments`, { data: { body: 'Looks like a <b>7</b> to me' } })).ok()).toBe(true);
    await dora.goto(`${server.url}/projects/${pid}/mine`);
    await expect(dora.locator(`[data-testid="mine-row"][data-item-id="${answered}"]`).getByTestId('mine-lead-comment')).toContainText('Looks like a <b>7</b> to me');
    await shot(dora, 'mine-lead-comment.png');
    const toComments = dora.locator(`[data-testid="mine-row"][data-item-id="${answered}"]`).getByTestId('mine-lead-comment').getByRole('link');
    await expect(toComments).toHaveAttribute('href', `/projects/${pid}/items/${answered}#comments`);
    await dora.goto(`${server.url}/projects/${pid}/items/${answered}#comments`);
    await expect(dora.locator('[data-testid="comment"][data-by-lead="true"]')).toContainText('Looks like a <b>7</b> to me');
    await dora.goto(`${server.url}/projects/${pid}/label`);
    // Seen: not again on coming back, but behind ? and the link.
    await expect(dora.getByTestId('current-item')).toBeVisible();
    await expect(dialog).toBeHidden();
    await dora.keyboard.press('?');
    await dora.getByTestId('sheet-guidelines').click();
    await expect(dialog.getByRole('heading', { name: 'How to label' })).toBeVisible();
    await dialog.getByTestId('guidelines-close').click();

    // Removed: the panel's Remove; her pages and the API refuse her from then on.
    await admin.reload();
    await panel.locator('[data-testid="member-row"][data-email="dora@tandem.local"]').getByTestId('member-remove').click();
    await expect(panel.getByTestId('members-done')).toHaveText('Removed dora@tandem.local.');
    await expect(panel.locator('[data-testid="member-row"][data-email="dora@tandem.local"]')).toHaveCount(0);
    expect((await dora.request.post(`${server.url}/api/projects/${pid}/leases`, { data: { hold: 1 } })).status()).toBe(404);
    await dora.goto(`${server.url}/projects/${pid}/label`);
    await expect(dora.getByRole('heading', { name: 'Not found' })).toBeVisible();
    // The link was for one use.
    await dora.goto(link);
    await expect(dora.getByTestId('invite-page')).toContainText('This invite link was used already');
  });
});
