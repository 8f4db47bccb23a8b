/**
 * Issue 4 asks for labelled, keyboard-reachable controls in both themes. axe-core (through
 * @axe-core/playwright, run inside Debian's Chromium) checks every main page of the console against
 * WCAG 2 A/AA rules, with real data pushed through the registry; serious and critical findings fail
 * the test. A keyboard walk checks that the header's controls are reached with Tab alone.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { Scratch } from '../support/client-tools.js';
import {
  consoleTestsAvailable,
  createProject,
  launchConsoleBrowser,
  pushImage,
  signIn,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

const available = consoleTestsAvailable('skopeo');

const PROJECT = `a11y-${Date.now().toString(36)}`;
const REPOSITORY = 'web/frontend';

let core: CoreProcess;
let browser: Browser;
let page: Page;
let scratch: Scratch;
let projectId: number;
let digest: string;

/** WCAG 2.0/2.1 A and AA findings that matter: serious and critical ones. */
async function seriousViolations(): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => `${node.target.join(' ')} ${node.html.slice(0, 160)}`)
          .join(', ')}`,
    );
}

/** Opens a console path and waits until the page has settled on its heading. */
async function open(path: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${core.url}${path}`);
  await page.getByRole('heading', { name: heading }).first().waitFor();
  await page.waitForLoadState('networkidle');
}

describe.skipIf(!available)('console accessibility (Chromium + axe-core)', () => {
  beforeAll(async () => {
    core = await startCore();
    scratch = await Scratch.create('console-a11y');
    const admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    projectId = await createProject(admin, PROJECT);
    const image = await pushImage(core.url, scratch, [`${PROJECT}/${REPOSITORY}:1.0`], { layers: 1 });
    digest = image.manifest.digest;
    ({ browser, page } = await launchConsoleBrowser());
    await signIn(page, core.url, 'admin', ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
  });

  const pages: [string, () => string, string | RegExp][] = [
    ['the project list', () => '/projects', 'Projects'],
    ['a project’s summary', () => `/projects/${projectId}`, PROJECT],
    ['its repositories', () => `/projects/${projectId}/repositories`, PROJECT],
    ['its artifacts', () => `/projects/${projectId}/artifacts`, PROJECT],
    ['its members', () => `/projects/${projectId}/members`, PROJECT],
    ['its robot accounts', () => `/projects/${projectId}/robots`, PROJECT],
    ['its labels', () => `/projects/${projectId}/labels`, PROJECT],
    ['its logs', () => `/projects/${projectId}/logs`, PROJECT],
    ['its configuration', () => `/projects/${projectId}/configuration`, PROJECT],
    [
      'a repository',
      () => `/projects/${projectId}/repositories/${REPOSITORY}`,
      new RegExp(REPOSITORY.replace('/', '\\/')),
    ],
    [
      'an artifact',
      () => `/projects/${projectId}/repositories/${REPOSITORY}/-/artifacts/${digest}`,
      `${PROJECT}/${REPOSITORY}`,
    ],
    ['search results', () => `/search?q=${PROJECT}`, /Results for/],
    ['a project that does not exist', () => '/projects/999999', 'Project not found'],
    ['users', () => '/admin/users', 'Administration'],
    ['user groups', () => '/admin/groups', 'Administration'],
    ['system robot accounts', () => '/admin/robots', 'Administration'],
    ['global labels', () => '/admin/labels', 'Administration'],
    ['quotas', () => '/admin/quotas', 'Administration'],
    ['the audit log', () => '/admin/audit-logs', 'Administration'],
    ['configuration', () => '/admin/configuration', 'Administration'],
    ['system', () => '/admin/system', 'Administration'],
  ];

  it.each(pages)('%s has no serious WCAG findings', async (_name, path, heading) => {
    await open(path(), heading);
    expect(await seriousViolations()).toEqual([]);
  });

  it('has no serious WCAG findings in the dark theme', async () => {
    await open(`/projects/${projectId}`, PROJECT);
    await page.getByTestId('theme-toggle').click();
    await page.waitForFunction("document.documentElement.dataset.mantineColorScheme === 'dark'");
    expect(await seriousViolations()).toEqual([]);
    await page.getByTestId('theme-toggle').click();
  });

  it('reaches the header’s search box and user menu with Tab alone', async () => {
    await open('/projects', 'Projects');
    const reached = new Set<string>();
    for (let step = 0; step < 12; step++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<string>(
        "(() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label') || e.getAttribute('data-testid') || e.textContent || '').trim() : '' })()",
      );
      reached.add(focused);
    }
    expect([...reached]).toEqual(
      expect.arrayContaining(['Search projects and repositories', expect.stringMatching(/^User menu/)]),
    );
  });

  it('has no serious WCAG findings on the sign-in page', async () => {
    await page.context().clearCookies();
    await open('/sign-in', 'Sign in to Berth');
    expect(await seriousViolations()).toEqual([]);
  });
});
