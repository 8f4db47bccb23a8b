/**
 * The rest of the console's administration in a real browser (Debian's Chromium through
 * playwright-core) against a real core: a user group gets a user and becomes a member of a private
 * project through the project's Members tab, after which that user finds the project in their list;
 * a system robot granted pull in one project gets exactly that from /service/token with the secret
 * the console showed once; a project quota edited in the console is the API's; the system CVE
 * allowlist saved in the console is the API's. Screenshots land in docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { Scratch } from '../support/client-tools.js';
import {
  consoleTestsAvailable,
  createProject,
  createUser,
  launchConsoleBrowser,
  pushImage,
  screenshot as saveScreenshot,
  signIn as signInAs,
  signOut as signOutOf,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

const available = consoleTestsAvailable('skopeo');

const SUFFIX = Date.now().toString(36);
const PROJECT = `team-${SUFFIX}`;
const OTHER_PROJECT = `other-${SUFFIX}`;
const GROUP = `builders-${SUFFIX}`;
const USER = `erin-${SUFFIX}`;
const USER_PASSWORD = 'Erin-Passw0rd';
const ROBOT = `sync-${SUFFIX}`;
const MiB = 1024 ** 2;

let core: CoreProcess;
let browser: Browser;
let page: Page;
let admin: ApiClient;
let scratch: Scratch;
let projectId: number;

const screenshot = (name: string) => saveScreenshot(page, name);
const signIn = (username: string, password: string) => signInAs(page, core.url, username, password);
const signOut = () => signOutOf(page);

/** The claims of a JWT, unverified: the core's own tests check signatures; here only the grant matters. */
function claims(token: string): { sub: string; access: { type: string; name: string; actions: string[] }[] } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

describe.skipIf(!available)('console administration: groups, system robots, quotas (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore();
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    projectId = await createProject(admin, PROJECT);
    await createProject(admin, OTHER_PROJECT);
    await createUser(admin, USER, USER_PASSWORD, 'Erin Builder');

    // Something stored, so the quota page has a usage bar to show.
    scratch = await Scratch.create('console-admin-more');
    await pushImage(core.url, scratch, [`${PROJECT}/app:1.0`], { layers: 1, largeLayerBytes: 3 * MiB });

    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
  });

  it('creates a user group and puts a user in it', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.goto(`${core.url}/admin/groups`);
    await page.getByRole('heading', { name: 'User groups' }).waitFor();
    await page.getByRole('button', { name: 'New group' }).click();
    const create = page.getByRole('dialog', { name: 'New user group' });
    await create.getByRole('textbox', { name: 'Name' }).fill(GROUP);
    await create.getByRole('button', { name: 'Save' }).click();
    await create.waitFor({ state: 'hidden' });
    await page.getByTestId('group-row').filter({ hasText: GROUP }).waitFor();

    await page.getByRole('button', { name: `Users of ${GROUP}` }).click();
    const members = page.getByRole('dialog', { name: `Users in ${GROUP}` });
    await members.getByText('Nobody is in this group yet.').waitFor();
    await members.getByRole('combobox', { name: 'Add a user' }).fill(USER.slice(0, 6));
    await page.getByRole('option', { name: USER }).click();
    await members.getByRole('button', { name: 'Add', exact: true }).click();
    await members.getByTestId('group-member-row').filter({ hasText: USER }).waitFor();
    await screenshot('admin-groups');

    const groups = await admin.get(`/usergroups?group_name=${GROUP}`);
    expect(groups.body).toHaveLength(1);
    const inGroup = await admin.get(`/usergroups/${groups.body[0].id}/members`);
    expect(inGroup.body).toEqual([expect.objectContaining({ username: USER })]);
    await members.getByRole('button', { name: 'Close' }).click();
    await members.waitFor({ state: 'hidden' });
  });

  it("adds the group to a private project from the project's Members tab; its user then sees the project", async () => {
    await page.goto(`${core.url}/projects/${projectId}/members`);
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a member' });
    await dialog.getByText('Group', { exact: true }).click();
    await dialog.getByRole('combobox', { name: 'User group' }).fill(GROUP.slice(0, 8));
    await page.getByRole('option', { name: GROUP }).click();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const members = await admin.get(`/projects/${PROJECT}/members?entityname=${GROUP}`);
    expect(members.body).toEqual([expect.objectContaining({ entity_type: 'g', entity_name: GROUP })]);

    await signOut();
    await signIn(USER, USER_PASSWORD);
    await page.getByRole('link', { name: PROJECT }).waitFor();
    // Only through the group: the other private project stays out of sight.
    expect(await page.getByRole('link', { name: OTHER_PROJECT }).count()).toBe(0);
    const asUser = new ApiClient(core.url, { username: USER, password: USER_PASSWORD });
    const visible = await asUser.get(`/projects?name=${PROJECT}`);
    expect(visible.body.map((project: { name: string }) => project.name)).toEqual([PROJECT]);
    await signOut();
    await signIn('admin', ADMIN_PASSWORD);
  });

  it('creates a system robot with pull in one project, and its secret gets a token for exactly that', async () => {
    await page.goto(`${core.url}/admin/robots`);
    await page.getByRole('button', { name: 'New robot account' }).click();
    const dialog = page.getByRole('dialog', { name: 'New robot account' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(ROBOT);
    await dialog
      .getByRole('group', { name: 'System permissions' })
      .getByRole('checkbox', { name: 'List Project' })
      .check();
    await dialog.getByRole('button', { name: 'Add a project' }).click();
    await dialog.getByRole('combobox', { name: 'Project' }).fill(PROJECT);
    await page.getByRole('option', { name: PROJECT }).click();
    await dialog
      .getByRole('group', { name: `Permissions in project ${PROJECT}` })
      .getByRole('button', { name: 'Pull only' })
      .click();
    await dialog.getByRole('button', { name: 'Create' }).click();

    const secretDialog = page.getByRole('dialog', { name: /^Secret of / });
    const name = await secretDialog.getByRole('textbox', { name: 'Robot name' }).inputValue();
    const secret = await secretDialog.getByTestId('robot-secret').inputValue();
    expect(name).toBe(`robot$${ROBOT}`);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await secretDialog.getByRole('button', { name: 'I have copied the secret' }).click();
    // The modal fades out; the screenshot waits until it has left the page.
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    const row = page.getByTestId('robot-row').filter({ hasText: name });
    await row.getByText('System', { exact: true }).waitFor();
    await row.getByText(PROJECT, { exact: true }).waitFor();
    await screenshot('admin-robots');

    const token = await fetch(
      `${core.url}/service/token?service=berth&scope=repository:${PROJECT}/app:pull,push` +
        `&scope=repository:${OTHER_PROJECT}/app:pull`,
      { headers: { authorization: `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}` } },
    );
    expect(token.status).toBe(200);
    const granted = claims(((await token.json()) as { token: string }).token);
    expect(granted.sub).toBe(name);
    const actions = Object.fromEntries(granted.access.map((entry) => [entry.name, entry.actions]));
    expect(actions).toEqual({ [`${PROJECT}/app`]: ['pull'], [`${OTHER_PROJECT}/app`]: [] });
  });

  it('edits a project quota with units, and the API has the new limit', async () => {
    await page.goto(`${core.url}/admin/quotas`);
    // Sorted on the server by storage used: the only project holding an image comes first.
    const first = page.getByTestId('quota-row').first();
    await first.getByRole('link', { name: PROJECT }).waitFor();
    const used = (await admin.get(`/quotas?reference_id=${projectId}`)).body[0].used.storage as number;
    expect(used).toBeGreaterThan(3 * MiB);

    await first.getByRole('button', { name: `Edit the quota of ${PROJECT}` }).click();
    const dialog = page.getByRole('dialog', { name: `Quota of ${PROJECT}` });
    const noLimit = dialog.getByRole('checkbox', { name: 'No limit' });
    if (await noLimit.isChecked()) await noLimit.uncheck();
    await dialog.getByRole('combobox', { name: 'Unit' }).click();
    await page.getByRole('option', { name: 'MiB', exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Limit' }).fill('2');
    // Below what the project stores: allowed, with a warning.
    await dialog.getByText(/below what .* already stores/).waitFor();
    await dialog.getByRole('textbox', { name: 'Limit' }).fill('4');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await first.getByText('4.00 MiB', { exact: true }).waitFor();
    const quota = await admin.get(`/quotas?reference_id=${projectId}`);
    expect(quota.body[0].hard.storage).toBe(4 * MiB);
    const bar = first.getByRole('progressbar', { name: `Storage used by ${PROJECT}` });
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeCloseTo((used / (4 * MiB)) * 100, 0);
    await screenshot('admin-quotas');
  });

  it('saves the system CVE allowlist', async () => {
    await page.getByRole('tab', { name: 'Configuration' }).click();
    await page.getByRole('heading', { name: 'System CVE allowlist' }).waitFor();
    await page.getByRole('textbox', { name: 'CVE IDs to add' }).fill('cve-2024-3094 CVE-2023-44487');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('radio', { name: 'On a date' }).check();
    await page.getByLabel('Expiry date').fill('2031-01-31');
    await page.getByRole('button', { name: 'Update allowlist' }).click();
    await page.getByText('CVE allowlist saved.').waitFor();
    const allowlist = await admin.get('/system/CVEAllowlist');
    expect(allowlist.body.items.map((item: { cve_id: string }) => item.cve_id)).toEqual([
      'CVE-2024-3094',
      'CVE-2023-44487',
    ]);
    // The end of that day in the browser's time zone (the machine's, as this process's).
    expect(allowlist.body.expires_at).toBe(new Date(2031, 0, 31, 23, 59, 59).getTime() / 1000);
  });
});
