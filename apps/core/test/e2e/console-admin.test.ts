/**
 * The console's artifact details and administration in a real browser (Debian's Chromium through
 * playwright-core) against a real core: open a pushed artifact from the list, see its tags and
 * size, delete a tag after confirming (gone from the API too), create a user from the users page,
 * and change that user's password from their own user menu. Screenshots land in docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { Scratch, Skopeo } from '../support/client-tools.js';
import {
  consoleTestsAvailable,
  createProject,
  launchConsoleBrowser,
  pushImage,
  screenshot as saveScreenshot,
  signIn as signInAs,
  signOut as signOutOf,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { writeMultiPlatformLayout, type LayoutImage, type LayoutIndex } from '../support/oci-layout.js';

const available = consoleTestsAvailable('skopeo');

const SUFFIX = Date.now().toString(36);
const PROJECT = `admin-ui-${SUFFIX}`;
const REPOSITORY = 'apps/web';
const MULTI_REPOSITORY = 'multi';
const LABEL = `release-${SUFFIX}`;
const TAGS = ['v2.1', 'latest'];
const NEW_USER = `dana-${SUFFIX}`;
const NEW_USER_PASSWORD = 'First-Passw0rd';
const CHANGED_PASSWORD = 'Second-Passw0rd';

let core: CoreProcess;
let browser: Browser;
let page: Page;
let scratch: Scratch;
let admin: ApiClient;
let image: LayoutImage;
let multi: LayoutIndex;
let projectId: number;

const screenshot = (name: string) => saveScreenshot(page, name);
const signIn = (username: string, password: string) => signInAs(page, core.url, username, password);
const signOut = () => signOutOf(page);

describe.skipIf(!available)('console administration (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore();
    scratch = await Scratch.create('console-admin');
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    projectId = await createProject(admin, PROJECT);
    image = await pushImage(
      core.url,
      scratch,
      TAGS.map((tag) => `${PROJECT}/${REPOSITORY}:${tag}`),
      { layers: 2 },
    );

    const multiLayout = scratch.path('multi');
    multi = await writeMultiPlatformLayout(multiLayout, '1.0');
    const skopeo = await Skopeo.create({ host: new URL(core.url).host, credentials: null }, scratch);
    await skopeo.copy(`oci:${multiLayout}:1.0`, skopeo.ref(`${PROJECT}/${MULTI_REPOSITORY}:1.0`), [
      '--all',
      `--dest-creds=admin:${ADMIN_PASSWORD}`,
    ]);
    const label = await admin.post('/labels', { name: LABEL, color: '#1971c2', scope: 'g' });
    expect(label.status).toBe(201);

    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
  });

  it('opens the artifact from the repository list and shows its tags and size', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.goto(`${core.url}/projects/${projectId}/repositories/${REPOSITORY}`);
    const row = page.getByTestId('artifact-row');
    await row.waitFor();
    expect(await row.count()).toBe(1);
    for (const tag of TAGS) await row.getByText(tag, { exact: true }).waitFor();
    await row.getByRole('img', { name: 'Type: IMAGE' }).waitFor();

    await row.getByRole('link', { name: /^Open artifact / }).click();
    const digest = image.manifest.digest;
    await page.getByTestId('artifact-digest').waitFor();
    expect(await page.getByTestId('artifact-digest').innerText()).toBe(digest);
    expect(page.url()).toBe(
      `${core.url}/projects/${projectId}/repositories/${REPOSITORY}/-/artifacts/${digest}`,
    );
    const artifact = (await admin.get(`/projects/${PROJECT}/repositories/apps%252Fweb/artifacts/${digest}`))
      .body;
    const sizeText = await page.getByTestId('fact-Size').innerText();
    expect(sizeText).toMatch(/^\d+(\.\d+)? (B|KiB|MiB)$/);
    // The size shown is the API's, in binary units.
    expect(sizeText).toContain(artifact.size < 1024 ? `${artifact.size} B` : 'KiB');
    await page.getByRole('table', { name: 'Attributes' }).getByText('amd64').waitFor();
    // The image records its build steps: the tab appears once the addition has answered.
    await page.getByRole('tab', { name: 'Build history' }).waitFor();
    await screenshot('artifact-details');

    await page.getByRole('tab', { name: `Tags (${TAGS.length})` }).click();
    for (const tag of TAGS) await page.getByTestId('tag-row').filter({ hasText: tag }).waitFor();
  });

  it('deletes a tag only after confirming, and the API no longer has it', async () => {
    await page.getByRole('button', { name: 'Delete tag latest' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete tag' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('Delete tag “latest”?');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await tagNames()).toEqual(expect.arrayContaining(TAGS));

    await page.getByRole('button', { name: 'Delete tag latest' }).click();
    await dialog.getByRole('button', { name: 'Delete tag latest' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('tag-row').filter({ hasText: 'latest' }).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Tags (1)' }).waitFor();
    expect(await tagNames()).toEqual(['v2.1']);
  });

  it('attaches a global label to the artifact and detaches it', async () => {
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByRole('combobox', { name: 'Attach a label' }).click();
    await page.getByRole('option', { name: LABEL }).click();
    const detach = page.getByRole('button', { name: `Detach label ${LABEL}` });
    await detach.waitFor();
    expect(await artifactLabels()).toEqual([LABEL]);
    await detach.click();
    await detach.waitFor({ state: 'detached' });
    expect(await artifactLabels()).toEqual([]);
  });

  it('shows an index with its platforms, each opening its own manifest', async () => {
    await page.getByRole('link', { name: PROJECT }).click();
    await page.getByRole('link', { name: `${PROJECT}/${MULTI_REPOSITORY}` }).click();
    const row = page.getByTestId('artifact-row');
    await row.getByText('2 platforms').waitFor();
    await row.getByRole('img', { name: 'Type: Index' }).waitFor();
    // A click anywhere on the row opens the artifact, not only its digest link.
    await row.getByText('1.0', { exact: true }).click();
    await page.getByTestId('artifact-digest').getByText(multi.index.digest).waitFor();
    await page.getByRole('tab', { name: 'Platforms (2)' }).click();
    const platforms = page.getByRole('table', { name: 'Platforms' });
    await platforms.getByText('linux/amd64').waitFor();
    await platforms.getByText('linux/arm64').waitFor();
    const arm64 = multi.images.find((candidate) => candidate.platform.architecture === 'arm64')!;
    await platforms.getByRole('link', { name: /^Open artifact linux\/arm64/ }).click();
    await page.getByTestId('artifact-digest').getByText(arm64.manifest.digest).waitFor();
    await page.getByRole('table', { name: 'Attributes' }).getByText('arm64', { exact: true }).waitFor();
  });

  it('deletes the index after confirming, and its repository is empty', async () => {
    await page.goBack();
    await page.getByTestId('artifact-digest').getByText(multi.index.digest).waitFor();
    await page.getByRole('button', { name: 'Delete artifact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete artifact' });
    expect(await dialog.innerText()).toContain('1.0');
    await dialog.getByRole('button', { name: 'Delete artifact' }).click();
    await page.getByText('This repository has no artifacts.').waitFor();
    expect(page.url()).toBe(`${core.url}/projects/${projectId}/repositories/${MULTI_REPOSITORY}`);
    const gone = await admin.get(
      `/projects/${PROJECT}/repositories/${MULTI_REPOSITORY}/artifacts/${multi.index.digest}`,
    );
    expect(gone.status).toBe(404);
  });

  it('creates a user on the users page', async () => {
    await page.getByTestId('nav-admin').click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await page.getByTestId('user-row').filter({ hasText: 'admin' }).first().waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username').fill(NEW_USER);
    await dialog.getByLabel('Email').fill(`${NEW_USER}@example.com`);
    await dialog.getByLabel('Full name').fill('Dana Scully');
    await dialog.getByLabel(/^Password/).fill(NEW_USER_PASSWORD);
    await dialog.getByLabel('Confirm password').fill(NEW_USER_PASSWORD);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('user-row').filter({ hasText: NEW_USER });
    await row.waitFor();
    expect(await row.innerText()).toContain('Dana Scully');
    const listed = await admin.get(`/users?q=username%3D${NEW_USER}`);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({ username: NEW_USER, sysadmin_flag: false });
    await screenshot('admin-users');
  });

  it('shows the audit log with the tag deletion, filtered on the server', async () => {
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByRole('combobox', { name: 'Resource type' }).click();
    await page.getByRole('option', { name: 'tag', exact: true }).click();
    // The filtered page replaces the unfiltered one: the artifact entries of the push go away.
    await expect
      .poll(() => page.getByTestId('audit-row').filter({ hasText: 'artifact' }).count(), { timeout: 15_000 })
      .toBe(0);
    const deletion = page.getByTestId('audit-row').filter({ hasText: `${PROJECT}/${REPOSITORY}:latest` });
    await deletion.waitFor();
    expect(await deletion.innerText()).toContain('delete');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('audit-row').filter({ hasText: NEW_USER }).first().waitFor();
    await screenshot('admin-audit-log');
  });

  it('charts storage by project on the system page', async () => {
    await page.getByRole('tab', { name: 'System' }).click();
    await page.getByRole('heading', { name: 'Storage by project' }).waitFor();
    await page.getByTestId('storage-chart').locator('.recharts-bar-rectangle').first().waitFor();
    const table = page.getByRole('table', { name: 'Storage by project' });
    await table.getByRole('link', { name: PROJECT }).waitFor();
    const quotas = await admin.get(`/quotas?reference_id=${projectId}`);
    const used = quotas.body[0].used.storage as number;
    expect(used).toBeGreaterThan(0);
    expect(await page.getByTestId('stat-projects').innerText()).toMatch(/^\d+$/);
    await screenshot('admin-system');
  });

  it('saves a configuration change', async () => {
    await page.getByRole('tab', { name: 'Configuration' }).click();
    const duration = page.getByRole('textbox', { name: 'Robot secret lifetime (days)' });
    await duration.fill('45');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Configuration saved.').waitFor();
    expect((await admin.get('/configurations')).body.robot_token_duration.value).toBe(45);
    expect(await duration.inputValue()).toBe('45');
    await admin.put('/configurations', { robot_token_duration: 30 });
  });

  it('lets the new user change their password from the user menu', async () => {
    await signOut();
    await signIn(NEW_USER, NEW_USER_PASSWORD);
    // Not a system administrator: no administration entry.
    expect(await page.getByTestId('nav-admin').count()).toBe(0);

    await page.getByTestId('user-menu').click();
    await page.getByTestId('change-password').click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.getByLabel('Current password').fill(NEW_USER_PASSWORD);
    await dialog.getByRole('textbox', { name: 'New password', exact: true }).fill(CHANGED_PASSWORD);
    await dialog.getByLabel('Confirm new password').fill(CHANGED_PASSWORD);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('Your password was changed.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    const withOld = new ApiClient(core.url, { username: NEW_USER, password: NEW_USER_PASSWORD });
    const withNew = new ApiClient(core.url, { username: NEW_USER, password: CHANGED_PASSWORD });
    expect((await withOld.get('/users/current')).status).toBe(401);
    expect((await withNew.get('/users/current')).body).toMatchObject({ username: NEW_USER });
    // The session that changed it stays signed in.
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    const current = await page.request.get(`${core.url}/api/v2.0/users/current`);
    expect(current.status()).toBe(200);
  });

  it('generates a CLI secret that works in place of the password', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('cli-secret').click();
    const dialog = page.getByRole('dialog', { name: 'CLI secret' });
    await dialog.getByText('You have no CLI secret yet.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Generate secret' }).click();
    const field = dialog.getByTestId('cli-secret-value');
    await field.waitFor();
    const secret = await field.inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await field.getAttribute('type')).toBe('text');
    const withSecret = new ApiClient(core.url, { username: NEW_USER, password: secret });
    expect((await withSecret.get('/users/current')).body).toMatchObject({ username: NEW_USER });
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});

async function tagNames(): Promise<string[]> {
  const reply = await admin.get(
    `/projects/${PROJECT}/repositories/apps%252Fweb/artifacts/${image.manifest.digest}/tags`,
  );
  expect(reply.status).toBe(200);
  return (reply.body as { name: string }[]).map((tag) => tag.name).sort((a, b) => b.localeCompare(a));
}

async function artifactLabels(): Promise<string[]> {
  const reply = await admin.get(
    `/projects/${PROJECT}/repositories/apps%252Fweb/artifacts/${image.manifest.digest}?with_label=true`,
  );
  expect(reply.status).toBe(200);
  return ((reply.body.labels ?? []) as { name: string }[]).map((label) => label.name);
}
