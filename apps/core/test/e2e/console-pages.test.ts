/**
 * Issue 8's console defects, in a real browser (Debian's Chromium through playwright-core) against
 * a real core: a missing project or artifact shows "not found" (the API's 404 in Harbor's shape),
 * not a hint that the core is down; accessories pushed over the registry API show what they really
 * are; an image's config reads as a formatted list with times in the browser's time zone; every
 * page names itself in the document title, in both languages; the header draws icons; and
 * react-router never warns about a missing HydrateFallback, even when a lazy page opens first.
 */
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import {
  CONSOLE_DIR,
  consoleTestsAvailable,
  createProject,
  launchConsoleBrowser,
  signIn,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import {
  MediaType,
  OciClient,
  content,
  cosignSignature,
  descriptorOf,
  imageManifest,
  jsonBytes,
  randomBlob,
  sbom,
  unknownDigest,
} from '../support/oci-fixtures.js';

const available = consoleTestsAvailable();

const PROJECT = `pages-${Date.now().toString(36)}`;
const CREATED = '2026-03-04T05:06:07Z';
// Eight hours ahead of UTC: the config's time must read 13:06 on the page, not 05:06.
const TIME_ZONE = 'Asia/Shanghai';

/** An image whose config has the runtime fields the overview formats. */
function configuredImage() {
  const layer = randomBlob(2048);
  const config = content(
    jsonBytes({
      created: CREATED,
      architecture: 'amd64',
      os: 'linux',
      config: {
        Env: ['PATH=/usr/local/bin:/usr/bin', 'NGINX_VERSION=1.27.0'],
        Cmd: ['nginx', '-g', 'daemon off;'],
        Labels: { 'org.opencontainers.image.authors': 'ops@example.com' },
        ExposedPorts: { '80/tcp': {} },
      },
      rootfs: { type: 'layers', diff_ids: [unknownDigest()] },
    }),
    MediaType.OciConfig,
  );
  return imageManifest({ config, layers: [layer] });
}

let core: CoreProcess;
let browser: Browser;
let page: Page;
let admin: ApiClient;
let projectId: number;
const image = configuredImage();
const signature = cosignSignature(descriptorOf(image));
const bill = sbom(descriptorOf(image));
const consoleMessages: string[] = [];

const artifactUrl = (reference: string) =>
  `${core.url}/projects/${projectId}/repositories/app/-/artifacts/${reference}`;

/** The document title once it has settled on `expected`. */
async function titleBecomes(expected: string): Promise<void> {
  await expect.poll(() => page.title(), { timeout: 10_000 }).toBe(expected);
}

describe.skipIf(!available)('console pages: issue 8 (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore({ env: { BERTH_CONSOLE_DIR: CONSOLE_DIR } });
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    projectId = await createProject(admin, PROJECT);
    const registry = new OciClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    await registry.pushAll(`${PROJECT}/app`, image, 'v1');
    await registry.pushAll(`${PROJECT}/app`, signature);
    await registry.pushAll(`${PROJECT}/app`, bill);

    ({ browser, page } = await launchConsoleBrowser({ timezoneId: TIME_ZONE }));
    page.on('console', (message: ConsoleMessage) =>
      consoleMessages.push(`${message.type()}: ${message.text()}`),
    );
    await signIn(page, core.url, 'admin', ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await core?.stop();
  });

  it('opens the lazy system page first without a HydrateFallback warning', async () => {
    // A fresh load straight onto the lazy route: the router initialises with it.
    await page.goto(`${core.url}/admin/system`);
    await page.getByRole('heading', { name: 'System', exact: true }).waitFor();
    await titleBecomes('System · Administration · Berth');
    await page.goto(`${core.url}/projects`);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(consoleMessages.filter((message) => message.includes('HydrateFallback'))).toEqual([]);
  });

  it('says a missing project is not found, and does not blame the core', async () => {
    const missing = await admin.get('/projects/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('NOT_FOUND');

    await page.goto(`${core.url}/projects/999999`);
    await page.getByRole('heading', { name: 'Project not found' }).waitFor();
    expect(await page.getByTestId('not-found').textContent()).toContain('There is no project “999999”');
    expect(await page.getByText(/core/i).count()).toBe(0);
    await titleBecomes('Project not found · Berth');
    await page.getByRole('link', { name: 'Back to projects' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
  });

  it('says a missing artifact is not found, with the way back to its repository', async () => {
    const gone = `sha256:${'0'.repeat(64)}`;
    const missing = await admin.get(`/projects/${PROJECT}/repositories/app/artifacts/${gone}`);
    expect(missing.status).toBe(404);

    await page.goto(artifactUrl(gone));
    await page.getByRole('heading', { name: 'Artifact not found' }).waitFor();
    expect(await page.getByText(/core/i).count()).toBe(0);
    await titleBecomes('Artifact not found · Berth');
    await page.getByRole('link', { name: `Back to ${PROJECT}/app` }).click();
    await page.getByRole('heading', { name: `${PROJECT}/app` }).waitFor();
    await titleBecomes(`${PROJECT}/app · Berth`);
  });

  it('shows the image config formatted, its time in the browser’s zone', async () => {
    await page.goto(artifactUrl(image.digest));
    const attributes = page.getByRole('table', { name: 'Attributes' });
    await attributes.waitFor();
    await titleBecomes(`app@sha256:${image.digest.slice(7, 19)} · Berth`);
    const text = (await attributes.textContent()) ?? '';
    expect(text).not.toContain('{"');
    expect(text).not.toContain('["');
    const env = attributes.locator('dt', { hasText: /^Env$/ }).locator('xpath=following-sibling::dd[1]');
    expect(await env.getByRole('listitem').allTextContents()).toEqual([
      'PATH=/usr/local/bin:/usr/bin',
      'NGINX_VERSION=1.27.0',
    ]);
    const time = attributes.locator(`time[datetime="${CREATED}"]`);
    expect(await time.textContent()).toBe('Mar 4, 2026, 1:06 PM');
  });

  it('shows each accessory’s kind and real artifact type', async () => {
    const listed = await admin.get(
      `/projects/${PROJECT}/repositories/app/artifacts/${image.digest}/accessories`,
    );
    expect(listed.status).toBe(200);
    const byDigest = new Map<string, string>(
      listed.body.map((accessory: { digest: string; type: string }) => [accessory.digest, accessory.type]),
    );
    // Harbor's accessory types: cosign's signature by name, any other referrer as "subject.accessory".
    expect(byDigest.get(signature.digest)).toBe('signature.cosign');
    expect(byDigest.get(bill.digest)).toBe('subject.accessory');
    const sbomArtifact = await admin.get(`/projects/${PROJECT}/repositories/app/artifacts/${bill.digest}`);
    expect(sbomArtifact.body).toMatchObject({ type: 'SBOM', artifact_type: MediaType.SpdxJson });

    await page.goto(artifactUrl(image.digest));
    await page.getByRole('tab', { name: /^Accessories/ }).click();
    const rows = page.getByTestId('accessory-row');
    await rows.first().waitFor();
    await page.getByTestId('accessory-artifact-type').nth(1).waitFor();
    const shown = new Map<string, string[]>();
    for (const row of await rows.all()) {
      const cells = await row.getByRole('cell').allTextContents();
      shown.set(cells[2] ?? '', cells.slice(0, 2));
    }
    expect(shown.get(`sha256:${signature.digest.slice(7, 19)}`)).toEqual([
      'Cosign signature',
      MediaType.CosignSignatureArtifact,
    ]);
    expect(shown.get(`sha256:${bill.digest.slice(7, 19)}`)).toEqual(['SBOM', MediaType.SpdxJson]);
  });

  it('names every page in the title, in both languages', async () => {
    await page.goto(`${core.url}/projects`);
    await titleBecomes('Projects · Berth');
    await page.getByRole('link', { name: PROJECT }).click();
    await titleBecomes(`${PROJECT} · Berth`);
    await page.getByRole('tab', { name: 'Members' }).click();
    await titleBecomes(`Members · ${PROJECT} · Berth`);
    await page.goto(`${core.url}/admin/users`);
    await titleBecomes('Users · Administration · Berth');

    await page.getByTestId('user-menu').click();
    await page.getByTestId('language-zh-CN').click();
    await titleBecomes('用户 · 系统管理 · Berth');
    await page.goto(`${core.url}/projects/${projectId}/members`);
    await titleBecomes(`成员 · ${PROJECT} · Berth`);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('language-en').click();
    await titleBecomes(`Members · ${PROJECT} · Berth`);
  });

  it('draws the header’s symbols as icons', async () => {
    await page.goto(`${core.url}/projects`);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(await page.getByTestId('theme-toggle').locator('svg').count()).toBe(1);
    expect(await page.getByTestId('theme-toggle').textContent()).toBe('');
    await page.getByTestId('user-menu').click();
    expect(await page.getByTestId('language-en').textContent()).toBe('English');
    expect(await page.getByTestId('language-en').locator('svg').count()).toBe(1);
    expect(await page.locator('body').textContent()).not.toMatch(/[×✓✔✕▸↗⌕☀☾]/);
    await page.keyboard.press('Escape');
    expect(consoleMessages.filter((message) => message.includes('HydrateFallback'))).toEqual([]);
  });
});
