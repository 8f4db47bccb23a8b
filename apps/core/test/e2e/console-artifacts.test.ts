/**
 * Artifacts and a project's CVE allowlist in a real browser (Debian's Chromium through
 * playwright-core) against a real core. A Helm chart built here (config
 * `application/vnd.cncf.helm.config.v1+json`, one `…helm.chart.content.v1.tar+gzip` layer holding
 * Chart.yaml, values.yaml and README.md) and an image are pushed over the registry API; the admin
 * sees the chart's README and values and the project-wide artifact list with its filters; a project
 * admin edits the project's CVE allowlist and the API holds it; a guest opening the image finds no
 * control to add or delete tags or to delete the artifact. Screenshots land in
 * docs/screenshots/{helm-chart,project-artifacts,project-cve-allowlist}.png.
 */
import { gzipSync } from 'node:zlib';
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
import {
  MediaType,
  OciClient,
  content,
  imageManifest,
  jsonBytes,
  randomImage,
  type Manifest,
} from '../support/oci-fixtures.js';
import { tarArchive } from '../support/oci-layout.js';

const available = consoleTestsAvailable();

const suffix = Date.now().toString(36);
const PROJECT = `shelf-${suffix}`;
const PROJECT_ADMIN = `owner-${suffix}`;
const GUEST = `reader-${suffix}`;
const USER_PASSWORD = 'Passw0rd-Artifacts';

const README = [
  '# Web chart',
  '',
  'Installs the **web** front end. See the [Helm docs](https://helm.sh/docs) for `helm install`.',
  '',
  '<script>window.chartReadmeRan = true</script>',
  '',
  '## Parameters',
  '',
  '| Name | Description | Default |',
  '|------|-------------|---------|',
  '| `replicaCount` | Number of pods | `2` |',
  '| `image.repository` | Image to run | `nginx` |',
  '',
  '```console',
  'helm install web oci://registry.example.com/charts/web --version 1.0.0',
  '```',
  '',
].join('\n');
const VALUES = 'replicaCount: 2\nimage:\n  repository: nginx\n  tag: "1.27"\n';
const DEPENDENCIES = [
  { name: 'redis', version: '17.x', repository: 'oci://registry-1.docker.io/bitnamicharts' },
];

/** A Helm chart as `helm push` writes it: the chart archive as the only layer, Chart.yaml as config. */
function helmChart(name: string, version: string): Manifest {
  const chartYaml = `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.27"\n`;
  const archive = gzipSync(
    tarArchive([
      { path: `${name}/Chart.yaml`, content: chartYaml },
      { path: `${name}/values.yaml`, content: VALUES },
      { path: `${name}/README.md`, content: README },
      { path: `${name}/templates/deployment.yaml`, content: 'kind: Deployment\n' },
    ]),
  );
  const config = content(
    jsonBytes({
      name,
      version,
      apiVersion: 'v2',
      appVersion: '1.27',
      description: 'The web front end',
      type: 'application',
      dependencies: DEPENDENCIES,
    }),
    MediaType.HelmConfig,
  );
  return imageManifest({ config, layers: [content(archive, MediaType.HelmChart)] });
}

let core: CoreProcess;
let browser: Browser;
let page: Page;
let admin: ApiClient;
let projectId: number;
const chart = helmChart('web', '1.0.0');
const image = randomImage();
const newerImage = randomImage();

const screenshot = (name: string) => takeScreenshot(page, name);
const signIn = (username: string, password: string) => signInAs(page, core.url, username, password);
const signOut = () => signOutOf(page);

/** Creates a user and makes them a member of the project with `roleId` (1 admin, 3 guest). */
async function member(username: string, roleId: number): Promise<void> {
  await createUser(admin, username, USER_PASSWORD);
  const added = await admin.post(`/projects/${projectId}/members`, {
    role_id: roleId,
    member_user: { username },
  });
  expect(added.status).toBe(201);
}

const artifactUrl = (repository: string, reference: string) =>
  `${core.url}/projects/${projectId}/repositories/${repository}/-/artifacts/${reference}`;

describe.skipIf(!available)('console: artifacts and the CVE allowlist (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore({ env: { BERTH_CONSOLE_DIR: CONSOLE_DIR } });
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    projectId = await createProject(admin, PROJECT);
    await member(PROJECT_ADMIN, 1);
    await member(GUEST, 3);

    const registry = new OciClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    await registry.pushAll(`${PROJECT}/charts/web`, chart, '1.0.0');
    await registry.pushAll(`${PROJECT}/app`, image, 'v1');
    await registry.pushAll(`${PROJECT}/app`, newerImage, 'v2');

    // A time zone other than the machine's, so the allowlist's expiry is shown to be the local day's end.
    ({ browser, page } = await launchConsoleBrowser({ timezoneId: 'America/New_York' }));
  });

  afterAll(async () => {
    await browser?.close();
    await core?.stop();
  });

  it("shows a pushed Helm chart's README, values and dependencies", async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.goto(artifactUrl('charts/web', '1.0.0'));
    await page.getByTestId('artifact-digest').getByText(chart.digest).waitFor();
    expect(await page.getByRole('tab', { name: 'Build history' }).count()).toBe(0);

    await page.getByRole('tab', { name: 'README' }).click();
    const readme = page.getByTestId('chart-readme');
    await readme.getByRole('heading', { name: 'Web chart' }).waitFor();
    expect(await readme.getByText('web', { exact: true }).evaluate((node) => node.tagName)).toBe('STRONG');
    expect(await readme.getByRole('link', { name: 'Helm docs' }).getAttribute('href')).toBe(
      'https://helm.sh/docs',
    );
    const parameters = readme.getByRole('table');
    expect(await parameters.getByRole('row').count()).toBe(3);
    // The script in the README is on the page as words, and never ran.
    expect(await readme.innerText()).toContain('<script>window.chartReadmeRan = true</script>');
    expect(await page.evaluate('window.chartReadmeRan')).toBeUndefined();
    await screenshot('helm-chart');

    await page.getByRole('tab', { name: 'Dependencies' }).click();
    await page
      .getByRole('table', { name: 'Dependencies' })
      .getByRole('row', { name: /redis 17\.x/ })
      .waitFor();

    await page.getByRole('tab', { name: 'Values' }).click();
    const values = page.getByTestId('chart-values');
    await values.waitFor();
    expect(await values.innerText()).toBe(VALUES);
    const copy = page.getByRole('button', { name: 'Copy values.yaml' });
    await copy.click();
    await copy.getByText('Copied').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(VALUES);
  });

  it("lists the project's artifacts across repositories and filters them on the server", async () => {
    await page.goto(`${core.url}/projects/${projectId}`);
    await page.getByRole('tab', { name: 'Artifacts' }).click();
    await page.waitForURL(`**/projects/${projectId}/artifacts`);
    const table = page.getByRole('table', { name: `Artifacts of ${PROJECT}` });
    await table.waitFor();
    const rows = table.getByTestId('project-artifact-row');
    // The list refetches on each filter change; wait until it shows the answer.
    const rowCount = (count: number) => expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(count);
    const firstRow = () => expect.poll(() => rows.nth(0).innerText(), { timeout: 15_000 });
    expect(await rows.count()).toBe(3);
    // Newest push first: the chart, then v1, then v2 were pushed.
    expect(await rows.nth(0).innerText()).toMatch(/^app\s[\s\S]*v2/);
    expect(await rows.nth(1).innerText()).toMatch(/^app\s[\s\S]*v1/);
    expect(await rows.nth(2).innerText()).toContain('charts/web');
    await screenshot('project-artifacts');

    // The newest OCI image of each repository: only app's v2.
    await page.getByRole('switch', { name: 'Only the newest per repository' }).check();
    await rowCount(1);
    expect(await rows.nth(0).innerText()).toContain('v2');
    await page.getByRole('combobox', { name: /^Compare artifacts of/ }).click();
    await page.getByRole('option', { name: 'Helm charts' }).click();
    await firstRow().toContain('charts/web');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await rowCount(3);

    await page.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'Helm charts' }).click();
    await rowCount(1);
    expect(await rows.nth(0).innerText()).toContain('charts/web');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('textbox', { name: 'Tag contains' }).fill('v1');
    await rowCount(1);
    await firstRow().toContain('v1');

    // A row leads to the artifact's details.
    await rows
      .nth(0)
      .getByRole('link', { name: /^Open artifact app@/ })
      .click();
    await page.getByTestId('artifact-digest').getByText(image.digest).waitFor();
  });

  it('lets a project admin edit the CVE allowlist, and the API holds it', async () => {
    await signOut();
    await signIn(PROJECT_ADMIN, USER_PASSWORD);
    await page.goto(`${core.url}/projects/${projectId}/configuration`);
    const card = page.getByTestId('cve-allowlist');
    await card.waitFor();
    await card.getByRole('radio', { name: 'Use this project’s own allowlist' }).check();
    await card
      .getByRole('textbox', { name: 'CVE IDs to add' })
      .fill('cve-2024-3094, CVE-2023-44487\nCVE-2021-44228');
    await card.getByRole('button', { name: 'Add' }).click();
    await card.getByRole('button', { name: 'Remove CVE-2021-44228' }).click();
    await card.getByRole('radio', { name: 'On a date' }).check();
    await card.getByLabel('Expiry date').fill('2031-06-30');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();

    const project = await admin.get(`/projects/${projectId}`);
    expect(project.status).toBe(200);
    expect(project.body.metadata.reuse_sys_cve_allowlist).toBe('false');
    expect(project.body.cve_allowlist).toMatchObject({
      project_id: projectId,
      items: [{ cve_id: 'CVE-2024-3094' }, { cve_id: 'CVE-2023-44487' }],
      // The end of that day where the browser is (New York, daylight time: UTC-4), as for the system list.
      expires_at: Date.UTC(2031, 6, 1, 3, 59, 59) / 1000,
    });

    // After a reload the page shows what the server holds.
    await page.reload();
    const list = page.getByRole('table', { name: 'Project CVE allowlist' });
    await list.getByText('CVE-2023-44487').waitFor();
    expect(await list.getByRole('row').count()).toBe(3);
    expect(await page.getByLabel('Expiry date').inputValue()).toBe('2031-06-30');
    await screenshot('project-cve-allowlist');
  });

  it('shows a guest an artifact without controls to add or delete tags or delete it', async () => {
    await signOut();
    await signIn(GUEST, USER_PASSWORD);
    await page.goto(artifactUrl('app', 'v1'));
    await page.getByTestId('artifact-digest').getByText(image.digest).waitFor();
    expect(await page.getByRole('button', { name: 'Delete artifact' }).count()).toBe(0);

    await page.getByRole('tab', { name: /^Tags/ }).click();
    await page.getByRole('cell', { name: 'v1', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: /^Delete tag/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add tag' }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: /New tag/ }).count()).toBe(0);
    // And the server agrees: the guest's delete is refused.
    const guest = admin.as({ username: GUEST, password: USER_PASSWORD });
    const refused = await guest.delete(`/projects/${PROJECT}/repositories/app/artifacts/v1/tags/v1`);
    expect(refused.status).toBe(403);
  });
});
