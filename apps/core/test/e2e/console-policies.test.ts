/**
 * A project's policy pages in a real browser (Debian's Chromium through playwright-core) against a
 * real core, with two images pushed by skopeo: as admin, add a tag retention rule ("keep the one
 * pushed last"), start a dry run and read its result and log (nothing is deleted); add a tag
 * immutability rule and see the console refuse to delete the protected tag with the API's words;
 * create a webhook policy pointing at a local HTTP receiver (the core started with
 * BERTH_ALLOW_PRIVATE_TARGETS=127.0.0.0/8), see its signing secret once, push, and see the delivery
 * in the console and the signed request at the receiver. Screenshots land in
 * docs/screenshots/project-{retention,immutability,webhooks}.png. Each page, filled, is also checked
 * by axe-core for serious WCAG 2.1 A/AA findings, as console-accessibility.test.ts checks the others.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedSignature, waitFor, WebhookReceiver } from '../api/webhooks-support.js';
import { ApiClient } from '../support/api-client.js';
import { Scratch } from '../support/client-tools.js';
import {
  CONSOLE_DIR,
  consoleTestsAvailable,
  createProject,
  launchConsoleBrowser,
  pushImage,
  screenshot as saveScreenshot,
  signIn as signInAs,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

const available = consoleTestsAvailable('skopeo');

const suffix = Date.now().toString(36);
const PROJECT = `policies-${suffix}`;
const REPOSITORY = `${PROJECT}/app`;
const HOOK = 'ci-hook';

let core: CoreProcess;
let browser: Browser;
let page: Page;
let scratch: Scratch;
let admin: ApiClient;
let receiver: WebhookReceiver;
let projectId: number;

const screenshot = (name: string) => saveScreenshot(page, name, { afterDialogs: true });

/** Serious and critical WCAG 2.0/2.1 A and AA findings on the page as it is. */
async function seriousViolations(): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.help} — ${violation.nodes[0]?.html.slice(0, 160) ?? ''}`,
    );
}

async function tagNames(): Promise<string[]> {
  const reply = await admin.get(
    `/projects/${PROJECT}/repositories/app/artifacts?with_tag=true&page_size=100`,
  );
  expect(reply.status).toBe(200);
  return (reply.body as { tags?: { name: string }[] | null }[])
    .flatMap((artifact) => (artifact.tags ?? []).map((tag) => tag.name))
    .sort();
}

describe.skipIf(!available)('console: a project’s policies and webhooks (Chromium)', () => {
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    core = await startCore({
      env: { BERTH_CONSOLE_DIR: CONSOLE_DIR, BERTH_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8' },
    });
    scratch = await Scratch.create('console-policies');
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    projectId = await createProject(admin, PROJECT);
    // Two different images, v1 pushed before v2.
    await pushImage(core.url, scratch, [`${REPOSITORY}:v1`], { label: 'one' });
    await pushImage(core.url, scratch, [`${REPOSITORY}:v2`], { label: 'two' });
    ({ browser, page } = await launchConsoleBrowser());
    await signInAs(page, core.url, 'admin', ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
    await receiver?.stop();
  });

  it('adds a retention rule, runs a dry run and shows what it would delete', async () => {
    await page.goto(`${core.url}/projects/${projectId}`);
    await page.getByRole('tab', { name: 'Policy' }).click();
    await page.waitForURL(`**/projects/${projectId}/policy`);
    await page.getByRole('tab', { name: 'Tag retention', selected: true }).waitFor();
    await page.getByText('No retention rule yet.', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a retention rule' });
    await dialog.getByRole('textbox', { name: 'Repository pattern' }).fill('**');
    await dialog.getByRole('textbox', { name: 'Count or days' }).fill('1');
    await dialog.getByRole('textbox', { name: 'Tag pattern' }).fill('v*');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const rule = page.getByTestId('retention-rule');
    await rule.waitFor();
    expect(await rule.innerText()).toContain('retain the most recently pushed 1 artifacts');

    // The server holds what the page shows, and names the policy in the project's metadata.
    const project = (await admin.get(`/projects/${projectId}`)).body as { metadata: Record<string, string> };
    const retentionId = Number(project.metadata.retention_id);
    expect(retentionId).toBeGreaterThan(0);
    const policy = (await admin.get(`/retentions/${retentionId}`)).body;
    expect(policy.rules).toEqual([
      expect.objectContaining({
        template: 'latestPushedK',
        params: { latestPushedK: 1 },
        tag_selectors: [expect.objectContaining({ decoration: 'matches', pattern: 'v*' })],
      }),
    ]);

    await page.getByRole('button', { name: 'Dry run' }).click();
    const execution = page.getByTestId('retention-execution').first();
    await execution.waitFor();
    await execution.getByText('Succeeded').waitFor({ timeout: 60_000 });
    expect(await execution.innerText()).toContain('Yes');
    await execution.getByRole('button', { name: /^Show the tasks of run / }).click();
    const result = page.getByTestId('retention-result');
    await result.waitFor();
    expect(await result.innerText()).toBe('Dry run: 1 of 2 artifacts would be retained, 1 deleted');
    const task = page.getByTestId('retention-task').filter({ hasText: 'app' });
    expect(await task.innerText()).toContain('1 / 2');

    await task.getByRole('button', { name: /^Show the log of / }).click();
    const log = page.getByTestId('task-log');
    await log.waitFor();
    const text = await log.innerText();
    expect(text).toContain('RETAIN');
    expect(text).toContain('DEL');
    await page.keyboard.press('Escape');
    await log.waitFor({ state: 'detached' });
    // A dry run deletes nothing.
    expect(await tagNames()).toEqual(['v1', 'v2']);
    await screenshot('project-retention');
    expect(await seriousViolations()).toEqual([]);
  });

  it('adds an immutability rule, and the console is refused deleting the protected tag', async () => {
    await page.getByRole('tab', { name: 'Tag immutability' }).click();
    await page.getByText('No immutability rule.', { exact: false }).waitFor();
    expect(await page.getByTestId('immutability-count').innerText()).toBe('0 of 15 rules');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an immutability rule' });
    await dialog.getByRole('textbox', { name: 'Tag pattern' }).fill('v1');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('immutable-rule-row');
    await row.waitFor();
    expect(await row.innerText()).toContain('matching v1');
    expect(await page.getByTestId('immutability-count').innerText()).toBe('1 of 15 rules');
    await screenshot('project-immutability');
    expect(await seriousViolations()).toEqual([]);

    // The artifact holding v1: its Tags tab offers the deletion, and the API refuses it.
    await page.goto(`${core.url}/projects/${projectId}/repositories/app`);
    await page
      .getByTestId('artifact-row')
      .filter({ hasText: 'v1' })
      .getByRole('link', { name: /^Open artifact / })
      .click();
    await page.getByTestId('artifact-digest').waitFor();
    await page.getByRole('tab', { name: /^Tags/ }).click();
    await page.getByRole('button', { name: 'Delete tag v1' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete tag' });
    await confirm.getByRole('button', { name: 'Delete tag v1' }).click();
    const alert = confirm.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('immutable');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await tagNames()).toEqual(['v1', 'v2']);

    // Disabled from the console (the rule sent back whole, as Harbor's console does), it protects no more.
    await page.goto(`${core.url}/projects/${projectId}/policy`);
    await page.getByRole('tab', { name: 'Tag immutability' }).click();
    await page.getByRole('button', { name: /^Disable rule / }).click();
    await page.getByTestId('immutable-rule-row').getByText('Disabled', { exact: true }).waitFor();
    const rules = await admin.get(`/projects/${projectId}/immutabletagrules`);
    expect(rules.body).toEqual([expect.objectContaining({ disabled: true })]);
  });

  it('creates a webhook, shows its secret once, and shows the delivery of a push the receiver got', async () => {
    receiver.on('/hook', { kind: 'accept' });
    await page.goto(`${core.url}/projects/${projectId}/webhooks`);
    await page.getByText('No webhook yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'New webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'New webhook' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(HOOK);
    await dialog.getByRole('textbox', { name: 'Description' }).fill('tells CI about pushes');
    await dialog.getByRole('checkbox', { name: 'Artifact pushed' }).check();
    await dialog.getByRole('textbox', { name: 'Endpoint URL' }).fill(receiver.url('/hook'));
    await dialog.getByRole('textbox', { name: 'Auth header' }).fill('Bearer t0ken');
    await dialog.getByRole('button', { name: 'Save' }).click();

    const secretDialog = page.getByRole('dialog', { name: `Signing secret of ${HOOK}` });
    await secretDialog.waitFor();
    const secret = await secretDialog.getByTestId('webhook-secret').inputValue();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    await secretDialog.getByRole('button', { name: 'I have copied the secret' }).click();
    await secretDialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('webhook-row').filter({ hasText: HOOK });
    await row.waitFor();
    expect(await row.innerText()).toContain('Artifact pushed');
    expect(await row.innerText()).toContain(receiver.url('/hook'));
    expect(await page.locator('body').innerText()).not.toContain(secret);

    await pushImage(core.url, scratch, [`${REPOSITORY}:v3`], { label: 'three' });
    const got = await waitFor(
      'the push delivery',
      async () => receiver.at('/hook').length > 0 && receiver.at('/hook'),
    );
    const request = got[0]!;
    expect(request.headers['authorization']).toBe('Bearer t0ken');
    expect(request.headers['x-harbor-signature']).toBe(expectedSignature(secret, request.body));
    expect(JSON.parse(request.body.toString('utf8'))).toMatchObject({
      type: 'PUSH_ARTIFACT',
      event_data: { resources: [expect.objectContaining({ tag: 'v3' })] },
    });

    await row.getByRole('button', { name: `Show the deliveries of ${HOOK}` }).click();
    const delivery = page.getByTestId('webhook-delivery').first();
    await delivery.waitFor();
    await delivery.getByText('Succeeded').waitFor({ timeout: 30_000 });
    expect(await delivery.innerText()).toContain('Artifact pushed');
    await delivery.getByRole('button', { name: /^Show the tasks of delivery / }).click();
    const task = page.getByTestId('webhook-task').first();
    await task.waitFor();
    await task.getByRole('button', { name: /^Show the log of task / }).click();
    const log = page.getByTestId('task-log');
    await log.waitFor();
    expect(await log.innerText()).toMatch(/succeeded/);
    await page.keyboard.press('Escape');
    await log.waitFor({ state: 'detached' });

    // The last triggers list the push once the page reads them again.
    await page.reload();
    await page.getByTestId('last-trigger').filter({ hasText: 'Artifact pushed' }).waitFor();
    await page
      .getByTestId('webhook-row')
      .filter({ hasText: HOOK })
      .getByRole('button', { name: `Show the deliveries of ${HOOK}` })
      .click();
    await page.getByTestId('webhook-delivery').first().waitFor();
    await screenshot('project-webhooks');
    expect(await seriousViolations()).toEqual([]);

    // Disabled from the console, with the policy sent back whole.
    await page.getByRole('button', { name: `Disable webhook ${HOOK}` }).click();
    await page
      .getByTestId('webhook-row')
      .filter({ hasText: HOOK })
      .getByText('Disabled', { exact: true })
      .waitFor();
    const policies = await admin.get(`/projects/${projectId}/webhook/policies`);
    expect(policies.body).toEqual([
      expect.objectContaining({ name: HOOK, enabled: false, description: 'tells CI about pushes' }),
    ]);
  });
});
