/**
 * The console's header search, project deletion and profile dialog in a real browser (Debian's
 * Chromium through playwright-core) against a real core: search finds a project and a repository
 * pushed with skopeo; a project that still holds a repository is explained, not deleted; an empty
 * project goes once its name is typed; a user edits their own email and full name. Every outcome
 * is checked through the API as well. Screenshots land in docs/screenshots/.
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
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

const available = consoleTestsAvailable('skopeo');

const WORD = `finder${Date.now().toString(36)}`;
const FULL_PROJECT = `${WORD}-images`;
const EMPTY_PROJECT = `${WORD}-empty`;
const REPOSITORY = 'tools/lookup';
const TAG = '1.0';
const USER = `erin-${WORD}`;
const USER_PASSWORD = 'Erin-Passw0rd';

let core: CoreProcess;
let browser: Browser;
let page: Page;
let scratch: Scratch;
let admin: ApiClient;
let fullProjectId: number;
let emptyProjectId: number;

const screenshot = (name: string) => saveScreenshot(page, name);
const signIn = (username: string, password: string) => signInAs(page, core.url, username, password);

describe.skipIf(!available)('console search, project deletion and profile (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore();
    scratch = await Scratch.create('console-search');
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    fullProjectId = await createProject(admin, FULL_PROJECT);
    emptyProjectId = await createProject(admin, EMPTY_PROJECT);
    await pushImage(core.url, scratch, [`${FULL_PROJECT}/${REPOSITORY}:${TAG}`], { layers: 1 });
    await createUser(admin, USER, USER_PASSWORD, 'Erin');
    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
  });

  it('finds the projects and the pushed repository from the header search', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    const box = page.getByRole('searchbox', { name: 'Search projects and repositories' });
    // Reached from the keyboard: the box is a focusable, labelled control, and Enter submits.
    await box.focus();
    await page.keyboard.type(WORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Results for “${WORD}”` }).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe(WORD);

    const projects = page.getByRole('table', { name: 'Projects' });
    await projects.getByRole('link', { name: FULL_PROJECT }).waitFor();
    await projects.getByRole('link', { name: EMPTY_PROJECT }).waitFor();
    const repositories = page.getByRole('table', { name: 'Repositories' });
    const repository = repositories.getByRole('link', { name: `${FULL_PROJECT}/${REPOSITORY}` });
    await repository.waitFor();
    expect(await repositories.getByRole('row').count()).toBe(2);
    await screenshot('search');

    await repository.click();
    await page.getByTestId('artifact-row').getByText(TAG, { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${fullProjectId}/repositories/${REPOSITORY}`);
  });

  it('says nothing matches a search without results', async () => {
    const box = page.getByRole('searchbox', { name: 'Search projects and repositories' });
    await box.fill(`${WORD}-nothing`);
    await box.press('Enter');
    await page.getByText(`Nothing matches “${WORD}-nothing”.`, { exact: false }).waitFor();
  });

  it('explains that a project holding a repository cannot be deleted, and keeps it', async () => {
    await page.goto(`${core.url}/projects/${fullProjectId}`);
    await page.getByRole('heading', { name: FULL_PROJECT }).waitFor();
    await page.getByRole('button', { name: 'Delete project' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete project ${FULL_PROJECT}` });
    const alert = dialog.getByRole('alert');
    await alert.getByText('This project cannot be deleted yet').waitFor();
    expect(await alert.innerText()).toContain('delete its repositories first');
    expect(await dialog.getByRole('button', { name: 'Delete project' }).count()).toBe(0);
    await screenshot('project-delete-refused');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await admin.get(`/projects/${fullProjectId}`)).status).toBe(200);
  });

  it('deletes an empty project once its name is typed', async () => {
    await page.goto(`${core.url}/projects/${emptyProjectId}`);
    await page.getByRole('heading', { name: EMPTY_PROJECT }).waitFor();
    await page.getByRole('button', { name: 'Delete project' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete project ${EMPTY_PROJECT}` });
    const confirm = dialog.getByRole('button', { name: 'Delete project' });
    const name = dialog.getByLabel('Type the project name to confirm');
    await name.fill(EMPTY_PROJECT.slice(0, -1));
    expect(await confirm.isDisabled()).toBe(true);
    await name.fill(EMPTY_PROJECT);
    await confirm.click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/projects');
    expect((await admin.get(`/projects/${emptyProjectId}`)).status).toBe(404);
    expect((await admin.get(`/projects/${fullProjectId}`)).status).toBe(200);
  });

  it('deletes an empty project from its row in the project list', async () => {
    const listed = `${WORD}-listed`;
    const listedId = await createProject(admin, listed);
    await page.goto(`${core.url}/projects`);
    await page.getByRole('textbox', { name: 'Filter projects by name' }).fill(listed);
    await page.getByRole('button', { name: `Delete project ${listed}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete project ${listed}` });
    await dialog.getByLabel('Type the project name to confirm').fill(listed);
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`No project matches “${listed}”.`).waitFor();
    expect((await admin.get(`/projects/${listedId}`)).status).toBe(404);
  });

  it('lets a user edit their own email and full name from the user menu', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
    await signIn(USER, USER_PASSWORD);

    await page.getByTestId('user-menu').click();
    await page.getByTestId('profile').click();
    const dialog = page.getByRole('dialog', { name: 'Your profile' });
    const email = dialog.getByLabel('Email');
    expect(await email.inputValue()).toBe(`${USER}@example.com`);
    await email.fill('not an email');
    await dialog.getByText(/Enter a valid email address/).waitFor();
    expect(await dialog.getByRole('button', { name: 'Save profile' }).isDisabled()).toBe(true);
    await email.fill(`${USER}@corp.example`);
    await dialog.getByLabel('Full name').fill('Erin Zhang');
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await dialog.getByRole('status').getByText('Your profile was saved.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    const listed = await admin.get(`/users?q=username=${USER}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ username: USER, email: `${USER}@corp.example`, realname: 'Erin Zhang' }),
    ]);
  });
});
