/**
 * The console in a real browser (Debian's Chromium through playwright-core) against a real core:
 * sign in as admin, create a project from the dialog, push an image with skopeo, see the repository
 * and its artifact (tag, size, pull command), switch to Chinese and back, sign out. Screenshots of
 * the main pages land in docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch, Skopeo } from '../support/client-tools.js';
import {
  CONSOLE_BUILT,
  consoleTestsAvailable,
  launchConsoleBrowser,
  screenshot as saveScreenshot,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { writeImageLayout } from '../support/oci-layout.js';

const available = consoleTestsAvailable('skopeo');

const PROJECT = `console-${Date.now().toString(36)}`;
const REPOSITORY = 'tools/hello';
const TAG = 'v1.0';

let core: CoreProcess;
let browser: Browser;
let page: Page;
let scratch: Scratch;

const screenshot = (name: string) => saveScreenshot(page, name);

describe.skipIf(!available)('console (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore();
    scratch = await Scratch.create('console');
    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
  });

  it('redirects to the sign-in page and signs in as admin', async () => {
    await page.goto(`${core.url}/`);
    await page.getByLabel('Username').waitFor();
    await expect(page.url()).toMatch(/\/sign-in$/);
    await page.getByLabel('Username').fill('admin');
    await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(page.url()).toMatch(/\/projects$/);
  });

  it('creates a private project with a quota', async () => {
    await page.getByRole('button', { name: 'New project' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Project name').fill(PROJECT);
    await dialog.getByLabel('Storage quota').fill('1');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row').filter({ hasText: PROJECT });
    await row.waitFor();
    await expect(await row.getByText('Private').isVisible()).toBe(true);
    await row.getByText(/of 1\.00 GiB/).waitFor();
    await screenshot('project-list');
  });

  it('shows an image pushed with skopeo: repository, tag, size, pull command', async () => {
    const layout = scratch.path('layout');
    const image = await writeImageLayout(layout, TAG, { layers: 2 });
    const host = new URL(core.url).host;
    const skopeo = await Skopeo.create({ host, credentials: null }, scratch);
    await skopeo.copy(`oci:${layout}:${TAG}`, skopeo.ref(`${PROJECT}/${REPOSITORY}:${TAG}`), [
      `--dest-creds=admin:${ADMIN_PASSWORD}`,
    ]);

    await page.getByRole('link', { name: PROJECT }).click();
    await page.getByRole('heading', { name: PROJECT }).waitFor();
    const repositoryLink = page.getByRole('link', { name: `${PROJECT}/${REPOSITORY}` });
    await repositoryLink.waitFor();
    await page.getByTestId('push-hint').waitFor();
    await screenshot('project-page');

    await repositoryLink.click();
    const row = page.getByTestId('artifact-row');
    await row.waitFor();
    expect(await row.count()).toBe(1);
    await row.getByText(TAG, { exact: true }).waitFor();
    const digest = image.manifest.digest;
    expect(await row.innerText()).toContain(digest.slice(0, 'sha256:'.length + 12));
    // Some size is shown (the manifest plus its blobs), in bytes units.
    expect(await row.innerText()).toMatch(/\d+(\.\d+)? (B|KiB|MiB)/);
    const copy = row.getByRole('button', { name: `Copy the pull command for ${TAG}` });
    await copy.click();
    await copy.getByText('Copied').waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(`docker pull ${host}/${PROJECT}/${REPOSITORY}:${TAG}`);
    await page.mouse.move(0, 0);
    await screenshot('artifacts');
  });

  it('switches to Simplified Chinese and back', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('language-zh-CN').click();
    await page.getByRole('heading', { name: '制品' }).waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('zh-CN');
    await page.getByRole('link', { name: '项目', exact: true }).click();
    await page.getByRole('heading', { name: '项目' }).waitFor();
    await screenshot('project-list-zh-CN');
    await page.getByTestId('user-menu').click();
    await page.getByTestId('language-en').click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
  });

  it('switches to the dark theme and back', async () => {
    await page.getByTestId('theme-toggle').click();
    await page.locator('html[data-mantine-color-scheme="dark"]').waitFor({ state: 'attached' });
    await screenshot('project-list-dark');
    await page.getByTestId('theme-toggle').click();
    await page.locator('html[data-mantine-color-scheme="light"]').waitFor({ state: 'attached' });
  });

  it('signs out', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
    // The session is gone: the console sends us back to sign in.
    await page.goto(`${core.url}/projects`);
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
    const response = await page.request.get(`${core.url}/api/v2.0/users/current`);
    expect(response.status()).toBe(401);
  });
});

describe('console files', () => {
  let plain: CoreProcess;
  let unbuilt: CoreProcess;
  beforeAll(async () => {
    plain = await startCore();
    unbuilt = await startCore({ env: { BERTH_CONSOLE_DIR: '/nonexistent/berth-console' } });
  });
  afterAll(async () => {
    await plain?.stop();
    await unbuilt?.stop();
  });

  it('says so at / when the console is not built', async () => {
    const root = await fetch(`${unbuilt.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toMatch(/console is not built/);
    const api = await fetch(`${unbuilt.url}/api/v2.0/projects`);
    expect(api.status).toBe(200);
  });

  it('serves the console at / and page paths, and leaves the API alone', async () => {
    const root = await fetch(`${plain.url}/`);
    expect(root.status).toBe(200);
    const body = await root.text();
    if (CONSOLE_BUILT) {
      expect(root.headers.get('content-type')).toMatch(/text\/html/);
      expect(body).toContain('<div id="root">');
      const deep = await fetch(`${plain.url}/projects/1/repositories/a/b`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain('<div id="root">');
    } else {
      expect(body).toMatch(/console is not built/);
    }
    const missing = await fetch(`${plain.url}/api/v2.0/no-such-thing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
    const registry = await fetch(`${plain.url}/v2/`);
    expect(registry.status).toBe(401);
  });
});
