/**
 * A repository's own operations in a real browser (Debian's Chromium through playwright-core)
 * against a real core: an image pushed over the registry API; the admin edits the repository's
 * description, copies the artifact into another project and deletes the repository after typing
 * its name, and the API shows each result; a guest finds neither the edit nor the delete control.
 * Screenshots land in docs/screenshots/{repository-description,artifact-copy,repository-delete}.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import {
  CONSOLE_DIR,
  consoleTestsAvailable,
  createProject,
  createUser,
  launchConsoleBrowser,
  screenshot as takeScreenshot,
  signIn as signInAs,
  signOut as signOutOf,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { OciClient, randomImage } from '../support/oci-fixtures.js';

const available = consoleTestsAvailable();

const suffix = Date.now().toString(36);
const SOURCE = `tools-${suffix}`;
const TARGET = `mirror-${suffix}`;
const REPOSITORY = 'team/hello';
const COPY = 'copies/hello';
const GUEST = `viewer-${suffix}`;
const GUEST_PASSWORD = 'Passw0rd-Repository';
const DESCRIPTION = 'Says hello. Built by the **platform** team.';

/** The API path of a repository: its name's slashes encoded twice, as Harbor wants. */
const repositoryApi = (project: string, repository: string) =>
  `/projects/${project}/repositories/${encodeURIComponent(encodeURIComponent(repository))}`;

let core: CoreProcess;
let browser: Browser;
let page: Page;
let admin: ApiClient;
let sourceId: number;
const image = randomImage();

const screenshot = (name: string, options?: { afterDialogs?: boolean }) =>
  takeScreenshot(page, name, options);
const repositoryUrl = () => `${core.url}/projects/${sourceId}/repositories/${REPOSITORY}`;

describe.skipIf(!available)('console: repository description, copy and delete (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore({ env: { BERTH_CONSOLE_DIR: CONSOLE_DIR } });
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    sourceId = await createProject(admin, SOURCE);
    await createProject(admin, TARGET);
    await createUser(admin, GUEST, GUEST_PASSWORD);
    const added = await admin.post(`/projects/${sourceId}/members`, {
      role_id: 3,
      member_user: { username: GUEST },
    });
    expect(added.status).toBe(201);

    const registry = new OciClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    await registry.pushAll(`${SOURCE}/${REPOSITORY}`, image, 'v1');

    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await core?.stop();
  });

  it("edits the repository's description, which the API then holds", async () => {
    await signInAs(page, core.url, 'admin', ADMIN_PASSWORD);
    await page.goto(repositoryUrl());
    const description = page.getByTestId('repository-description');
    await description.getByText('No description yet.').waitFor();

    await page.getByRole('button', { name: 'Edit description' }).click();
    const dialog = page.getByRole('dialog', { name: `Description of ${SOURCE}/${REPOSITORY}` });
    await dialog.getByRole('textbox', { name: 'Description' }).fill(DESCRIPTION);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Shown as Markdown: the bold word is bold.
    await description.locator('strong', { hasText: 'platform' }).waitFor();
    await page.getByTestId('artifact-row').first().waitFor();
    await screenshot('repository-description', { afterDialogs: true });

    const stored = await admin.get(repositoryApi(SOURCE, REPOSITORY));
    assertHarborResponse('getRepository', stored.status, stored.body);
    expect(stored.status).toBe(200);
    expect(stored.body.description).toBe(DESCRIPTION);
  });

  it('copies the artifact into another project, where the API finds it with its tag', async () => {
    await page.goto(`${repositoryUrl()}/-/artifacts/${image.digest}`);
    await page.getByTestId('artifact-digest').getByText(image.digest).waitFor();
    await page.getByRole('button', { name: 'Copy to…' }).click();
    const dialog = page.getByRole('dialog', { name: /^Copy / });

    const project = dialog.getByRole('combobox', { name: 'Target project' });
    await project.click();
    await project.fill(TARGET);
    await page.getByRole('option', { name: TARGET }).click();
    await dialog.getByRole('textbox', { name: /Target repository/ }).fill(COPY);
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    await dialog.getByText(`Copied into ${TARGET}/${COPY}.`).waitFor();
    await screenshot('artifact-copy');

    const copied = await admin.get(`${repositoryApi(TARGET, COPY)}/artifacts/v1?with_tag=true`);
    assertHarborResponse('getArtifact', copied.status, copied.body);
    expect(copied.status).toBe(200);
    expect(copied.body.digest).toBe(image.digest);
    expect(copied.body.tags.map((tag: { name: string }) => tag.name)).toEqual(['v1']);

    // The dialog's link opens the copy in its own project.
    await dialog.getByRole('link', { name: 'Open the copy' }).click();
    await page.getByRole('heading', { name: `${TARGET}/${COPY}` }).waitFor();
    await page.getByTestId('artifact-digest').getByText(image.digest).waitFor();
  });

  it('deletes the repository only after its name is typed; the API then answers 404', async () => {
    await page.goto(repositoryUrl());
    await page.getByRole('button', { name: 'Delete repository' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete repository ${SOURCE}/${REPOSITORY}` });
    await dialog.getByText(/with its only artifact/).waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete repository' });
    const name = dialog.getByRole('textbox', { name: /Type the repository name/ });
    await name.fill(REPOSITORY);
    expect(await confirm.isDisabled()).toBe(true);
    await name.fill(`${SOURCE}/${REPOSITORY}`);
    expect(await confirm.isEnabled()).toBe(true);
    await screenshot('repository-delete');
    await confirm.click();

    await page.waitForURL(`**/projects/${sourceId}/repositories`);
    // The project's repository list was refreshed: the deleted repository is no longer in it.
    await page.getByText(/^No repositories yet/).waitFor();
    const gone = await admin.get(repositoryApi(SOURCE, REPOSITORY));
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0].code).toBe('NOT_FOUND');
    // The copy lives on.
    expect((await admin.get(`${repositoryApi(TARGET, COPY)}/artifacts/v1`)).status).toBe(200);
  });

  it('offers a guest neither the description edit nor the delete', async () => {
    const registry = new OciClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    await registry.pushAll(`${SOURCE}/${REPOSITORY}`, image, 'v1');
    await signOutOf(page);
    await signInAs(page, core.url, GUEST, GUEST_PASSWORD);
    await page.goto(repositoryUrl());
    await page.getByTestId('repository-description').waitFor();
    await page.getByTestId('artifact-row').first().waitFor();
    expect(await page.getByRole('button', { name: 'Edit description' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete repository' }).count()).toBe(0);
  });
});
