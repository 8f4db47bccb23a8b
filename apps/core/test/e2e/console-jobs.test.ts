/**
 * The console's job service dashboard in a real browser (Debian's Chromium through playwright-core)
 * against a real core running its jobs in-process: the queues of every job type and the core's
 * worker pool are shown, and a queue is paused and resumed from the page (the API agrees each
 * time); then, with images pushed and deleted so there is something to free, a dry-run GC and a
 * real one are started from the clean-up page (the real one while its queue is paused, so the page
 * shows it waiting, then finishing once resumed), the freed bytes appear in the history as the API
 * reports them, the log opens, and an audit-log purge runs. Screenshots land in docs/screenshots/.
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
  screenshot as saveScreenshot,
  signIn as signInAs,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

/** The console's byte format (apps/web/src/components/format.ts). */
function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

const available = consoleTestsAvailable('skopeo');

const SUFFIX = Date.now().toString(36);
const PROJECT = `jobs-ui-${SUFFIX}`;
const REPOSITORY = 'doomed';
const TAGS = ['a', 'b', 'c'];

let core: CoreProcess;
let browser: Browser;
let page: Page;
let admin: ApiClient;
let scratch: Scratch;

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

async function queuePaused(jobType: string): Promise<boolean> {
  const reply = await admin.get('/jobservice/queues');
  expect(reply.status).toBe(200);
  const queue = (reply.body as { job_type: string; paused: boolean }[]).find((q) => q.job_type === jobType);
  expect(queue).toBeDefined();
  return queue!.paused;
}

describe.skipIf(!available)('console job service and clean-up (Chromium)', () => {
  beforeAll(async () => {
    // No grace window: the blobs of the images deleted below may go at once.
    core = await startCore({ env: { BERTH_GC_GRACE_MINUTES: '0' } });
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    scratch = await Scratch.create('console-jobs');
    await createProject(admin, PROJECT);
    // Three different images, each with layers of its own, then deleted: their blobs are garbage.
    for (const tag of TAGS) {
      const image = await pushImage(core.url, scratch, [`${PROJECT}/${REPOSITORY}:${tag}`], {
        layers: 2,
        largeLayerBytes: 256 * 1024,
      });
      const deleted = await admin.delete(
        `/projects/${PROJECT}/repositories/${REPOSITORY}/artifacts/${image.manifest.digest}`,
      );
      expect(deleted.status).toBe(200);
    }
    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
    await scratch?.cleanup();
    await core?.stop();
  });

  it('shows the queues and the worker pool, and pauses and resumes a queue after confirming', async () => {
    await signInAs(page, core.url, 'admin', ADMIN_PASSWORD);
    await page.getByTestId('nav-admin').click();
    await page.getByRole('tab', { name: 'Job service' }).click();
    await page.getByRole('heading', { name: 'Job queues' }).waitFor();
    const queues = page.getByRole('table', { name: 'Job queues' });
    for (const type of ['GARBAGE_COLLECTION', 'PURGE_AUDIT_LOG', 'RETENTION', 'WEBHOOK'])
      await queues.getByText(type, { exact: true }).waitFor();
    // Without Redis the core runs the worker itself: one pool, its process.
    await page.getByTestId('pool-row').first().waitFor();
    expect(await page.getByTestId('worker-row').count()).toBeGreaterThan(0);

    const row = page.getByTestId('queue-row').filter({ hasText: 'PURGE_AUDIT_LOG' });
    await row.getByText('Running', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Pause queue PURGE_AUDIT_LOG' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pause job queue' });
    expect(await dialog.innerText()).toContain('Pause PURGE_AUDIT_LOG?');
    await dialog.getByRole('button', { name: 'Pause', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('Paused', { exact: true }).waitFor();
    expect(await queuePaused('PURGE_AUDIT_LOG')).toBe(true);
    await page.getByRole('button', { name: 'Resume queue PURGE_AUDIT_LOG' }).waitFor();
    await screenshot('admin-job-service');
    expect(await seriousViolations()).toEqual([]);

    await page.getByRole('button', { name: 'Resume queue PURGE_AUDIT_LOG' }).click();
    const resume = page.getByRole('dialog', { name: 'Resume job queue' });
    await resume.getByRole('button', { name: 'Resume', exact: true }).click();
    await resume.waitFor({ state: 'hidden' });
    await row.getByText('Running', { exact: true }).waitFor();
    expect(await queuePaused('PURGE_AUDIT_LOG')).toBe(false);
  });
  it('runs a dry-run GC from the clean-up page and shows what it would free', async () => {
    await page.getByRole('tab', { name: 'Clean up' }).click();
    await page.getByRole('tab', { name: 'Garbage collection' }).waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText(/^Run \d+ started\.$/).waitFor();
    const row = page.getByTestId('gc-history-row').first();
    await row.getByText('Success', { exact: true }).waitFor({ timeout: 30_000 });
    const [run] = (await admin.get('/system/gc')).body as { job_parameters: string }[];
    const parameters = JSON.parse(run!.job_parameters);
    expect(parameters).toMatchObject({ dry_run: true });
    expect(parameters.freed_space).toBeGreaterThan(0);
    expect(await row.getByTestId('freed').innerText()).toBe(
      `would free ${formatBytes(parameters.freed_space)}`,
    );
  });

  it('runs a real GC: waiting while its queue is paused, then finished with the freed bytes and a log', async () => {
    const paused = await admin.put('/jobservice/queues/GARBAGE_COLLECTION', { action: 'pause' });
    expect(paused.status).toBe(200);
    await page.getByRole('checkbox', { name: 'Allow garbage collection on untagged artifacts' }).check();
    await page.getByRole('button', { name: 'GC now' }).click();
    const current = page.getByTestId('gc-current-run');
    await current.waitFor();
    await current.getByText('Waiting for a worker').waitFor();
    const bar = page.getByTestId('gc-progress');
    expect(await bar.getAttribute('data-percent')).toBe('');
    await screenshot('admin-gc-running');

    // Every state the bar goes through until the run ends, read as the page refreshes.
    const seen: string[] = [];
    const watching = (async () => {
      while (await current.isVisible()) {
        const percent = await bar.getAttribute('data-percent').catch(() => null);
        if (percent !== null && seen.at(-1) !== percent) seen.push(percent);
        await page.waitForTimeout(50);
      }
    })();
    const resumed = await admin.put('/jobservice/queues/GARBAGE_COLLECTION', { action: 'resume' });
    expect(resumed.status).toBe(200);
    await current.waitFor({ state: 'detached', timeout: 60_000 });
    await watching;
    expect(seen[0]).toBe('');

    const [run] = (await admin.get('/system/gc')).body as {
      id: number;
      job_parameters: string;
      job_status: string;
    }[];
    expect(run!.job_status).toBe('Success');
    const parameters = JSON.parse(run!.job_parameters);
    expect(parameters).toMatchObject({ dry_run: false, delete_untagged: true });
    expect(parameters.freed_space).toBeGreaterThan(0);
    const row = page.getByTestId('gc-history-row').first();
    await row.getByText('Success', { exact: true }).waitFor();
    expect(await row.getByTestId('freed').innerText()).toBe(formatBytes(parameters.freed_space));
    expect(await row.innerText()).toContain(
      `${parameters.purged_blobs} blobs, ${parameters.purged_manifests} manifests`,
    );
    await screenshot('admin-gc');

    await row.getByRole('button', { name: `Log of run ${run!.id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Log of run ${run!.id}` });
    const log = dialog.getByTestId('run-log');
    await log.waitFor();
    expect(await log.innerText()).toContain('delete blob from storage');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('purges the audit log, dry and for real, from the log rotation tab', async () => {
    await page.getByRole('tab', { name: 'Log rotation' }).click();
    const retention = page.getByRole('textbox', { name: 'Keep records for' });
    await retention.fill('1');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByTestId('purgeaudit-history-row').first().getByText('Success', { exact: true }).waitFor({
      timeout: 30_000,
    });
    await page.getByRole('button', { name: 'Purge now' }).click();
    await expect.poll(() => page.getByTestId('purgeaudit-history-row').count(), { timeout: 30_000 }).toBe(2);
    const row = page.getByTestId('purgeaudit-history-row').first();
    await row.getByText('Success', { exact: true }).waitFor({ timeout: 30_000 });
    const runs = (await admin.get('/system/purgeaudit')).body as { job_parameters: string }[];
    expect(runs.map((entry) => JSON.parse(entry.job_parameters))).toMatchObject([
      { dry_run: false, audit_retention_hour: 24, include_operations: 'create,delete,pull' },
      { dry_run: true, audit_retention_hour: 24, include_operations: 'create,delete,pull' },
    ]);
    const purged = JSON.parse(runs[0]!.job_parameters).purged;
    expect(await row.getByTestId('purged').innerText()).toBe(String(purged ?? '—'));
    await screenshot('admin-purge-audit');
  });
});
