/**
 * A project's pages in a real browser (Debian's Chromium through playwright-core) against a real
 * core: as admin, add a member with a role through the Members tab, create a robot account through
 * the Robot accounts tab and copy its secret from the clipboard, then prove the secret works by
 * getting a registry token with it and pushing an image with skopeo. Finally, signed in as a guest,
 * the push hint, "Add member" and "New robot account" are absent. Screenshots land in
 * docs/screenshots/project-{summary,members,robots}.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { fetchToken, grantedActions } from '../support/auth-seed.js';
import { Scratch, Skopeo } from '../support/client-tools.js';
import {
  CONSOLE_DIR,
  consoleTestsAvailable,
  createProject,
  createUser,
  launchConsoleBrowser,
  screenshot as saveScreenshot,
  signIn as signInAs,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { writeImageLayout } from '../support/oci-layout.js';

const available = consoleTestsAvailable('skopeo');

const suffix = Date.now().toString(36);
const PROJECT = `team-${suffix}`;
const DEVELOPER = `dev-${suffix}`;
const GUEST = `guest-${suffix}`;
const USER_PASSWORD = 'Passw0rd-Console';
const ROBOT = 'ci';

let core: CoreProcess;
let browser: Browser;
let page: Page;
let scratch: Scratch;
let admin: ApiClient;
let projectId: number;
let robotName = '';
let robotSecret = '';

const screenshot = (name: string) => saveScreenshot(page, name);
const signIn = (username: string, password: string) => signInAs(page, core.url, username, password);

describe.skipIf(!available)('console: a project’s pages (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore({ env: { BERTH_CONSOLE_DIR: CONSOLE_DIR } });
    scratch = await Scratch.create('console-project');
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    projectId = await createProject(admin, PROJECT, { storage_limit: 2 * 1024 ** 3 });
    await createUser(admin, DEVELOPER, USER_PASSWORD);
    await createUser(admin, GUEST, USER_PASSWORD);
    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
  });

  it('signs in as admin and opens the project on its summary with a push hint', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.goto(`${core.url}/projects/${projectId}`);
    await page.getByRole('heading', { name: PROJECT }).waitFor();
    await page.getByRole('tab', { name: 'Summary', selected: true }).waitFor();
    await page.getByTestId('push-hint').waitFor();
    expect(await page.getByTestId('summary-access').innerText()).toBe('Private');
  });

  it('adds a member with a role through the Members tab', async () => {
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.waitForURL(`**/projects/${projectId}/members`);
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a member' });
    await dialog.getByRole('combobox', { name: 'User' }).fill(DEVELOPER.slice(0, 6));
    await page.getByRole('option', { name: DEVELOPER }).click();
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Developer' }).click();
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('member-row').filter({ hasText: DEVELOPER });
    await row.waitFor();
    expect(await row.getByRole('combobox', { name: `Role of ${DEVELOPER}` }).inputValue()).toBe('Developer');

    // The server holds what the page shows.
    const members = await admin.get(`/projects/${projectId}/members?entityname=${DEVELOPER}`);
    expect(members.body).toEqual([expect.objectContaining({ entity_name: DEVELOPER, role_id: 2 })]);
    // The guest is added through the API; the UI path is the one above.
    const guest = await admin.post(`/projects/${projectId}/members`, {
      role_id: 3,
      member_user: { username: GUEST },
    });
    expect(guest.status).toBe(201);
    await page.reload();
    await page.getByTestId('member-row').filter({ hasText: GUEST }).waitFor();
    await screenshot('project-members');
  });

  it('creates a robot account and copies its secret, shown once', async () => {
    await page.getByRole('tab', { name: 'Robot accounts' }).click();
    await page.waitForURL(`**/projects/${projectId}/robots`);
    await page.getByRole('button', { name: 'New robot account' }).click();
    const dialog = page.getByRole('dialog', { name: 'New robot account' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(ROBOT);
    await dialog.getByRole('textbox', { name: 'Expires after (days)' }).fill('30');
    await dialog.getByRole('textbox', { name: 'Description' }).fill('CI pushes nightly builds');
    await dialog.getByRole('button', { name: 'Push and pull' }).click();
    expect(await dialog.getByRole('checkbox', { name: 'Push Repository' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Create' }).click();

    const secretDialog = page.getByRole('dialog', { name: /^Secret of / });
    await secretDialog.waitFor();
    robotName = await secretDialog.getByRole('textbox', { name: 'Robot name' }).inputValue();
    expect(robotName).toBe(`robot$${PROJECT}+${ROBOT}`);
    const copy = secretDialog.getByRole('button', { name: 'Copy the secret' });
    await copy.click();
    await copy.getByText('Copied').waitFor();
    robotSecret = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(robotSecret).toBe(await secretDialog.getByTestId('robot-secret').inputValue());
    expect(robotSecret.length).toBeGreaterThanOrEqual(16);

    await secretDialog.getByRole('button', { name: 'I have copied the secret' }).click();
    await secretDialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('robot-row').filter({ hasText: robotName });
    await row.waitFor();
    // Badges are upper-cased by CSS; the text itself says "Enabled".
    await row.getByText('Enabled', { exact: true }).waitFor();
    expect(await row.innerText()).toContain('7 permissions');
    // Shown once: nowhere on the page any more.
    expect(await page.locator('body').innerText()).not.toContain(robotSecret);
    // The modal fades out after it is hidden to assistive technology; wait until it is unmounted.
    await page.waitForFunction("!document.querySelector('.mantine-Modal-content')");
    await screenshot('project-robots');
  });

  it('the copied secret works: a registry token with push, and a push with skopeo', async () => {
    const repository = `${PROJECT}/nightly`;
    const reply = await fetchToken(core.url, { username: robotName, password: robotSecret }, [
      `repository:${repository}:pull,push`,
    ]);
    expect(reply.status).toBe(200);
    expect(grantedActions(reply, 'repository', repository)?.sort()).toEqual(['pull', 'push']);

    const layout = scratch.path('layout');
    await writeImageLayout(layout, 'v1', { layers: 1 });
    const host = new URL(core.url).host;
    const skopeo = await Skopeo.create({ host, credentials: null }, scratch);
    await skopeo.copy(`oci:${layout}:v1`, skopeo.ref(`${repository}:v1`), [
      `--dest-creds=${robotName}:${robotSecret}`,
    ]);

    await page.getByRole('tab', { name: 'Summary' }).click();
    await page.getByRole('link', { name: repository }).waitFor();
    expect(await page.getByTestId('summary-repositories').innerText()).toBe('1');
    await page.getByTestId('summary-members').getByText('Developer').waitFor();
    await screenshot('project-summary');
  });

  it('shows a guest no push hint, no "Add member" and no "New robot account"', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
    await signIn(GUEST, USER_PASSWORD);
    await page.goto(`${core.url}/projects/${projectId}`);
    await page.getByRole('heading', { name: PROJECT }).waitFor();
    await page.getByTestId('summary-repositories').waitFor();
    expect(await page.getByTestId('push-hint').count()).toBe(0);

    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByTestId('member-row').filter({ hasText: DEVELOPER }).waitFor();
    expect(await page.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: /^Role of / }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Robot accounts' }).click();
    await page.getByTestId('robot-row').filter({ hasText: robotName }).waitFor();
    expect(await page.getByRole('button', { name: 'New robot account' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: `Delete ${robotName}` }).count()).toBe(0);
  });
});
