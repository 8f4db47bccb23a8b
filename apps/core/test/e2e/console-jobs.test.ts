/**
 * The console's job service dashboard in a real browser (Debian's Chromium through playwright-core)
 * against a real core running its jobs in-process: the queues of every job type and the core's
 * worker pool are shown, and a queue is paused and resumed from the page (the API agrees each
 * time). Screenshots land in docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import {
  consoleTestsAvailable,
  launchConsoleBrowser,
  screenshot as saveScreenshot,
  signIn as signInAs,
} from '../support/console-browser.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

const available = consoleTestsAvailable();

let core: CoreProcess;
let browser: Browser;
let page: Page;
let admin: ApiClient;

const screenshot = (name: string) => saveScreenshot(page, name, { afterDialogs: true });

async function queuePaused(jobType: string): Promise<boolean> {
  const reply = await admin.get('/jobservice/queues');
  expect(reply.status).toBe(200);
  const queue = (reply.body as { job_type: string; paused: boolean }[]).find((q) => q.job_type === jobType);
  expect(queue).toBeDefined();
  return queue!.paused;
}

describe.skipIf(!available)('console job service and clean-up (Chromium)', () => {
  beforeAll(async () => {
    core = await startCore();
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
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

    await page.getByRole('button', { name: 'Resume queue PURGE_AUDIT_LOG' }).click();
    const resume = page.getByRole('dialog', { name: 'Resume job queue' });
    await resume.getByRole('button', { name: 'Resume', exact: true }).click();
    await resume.waitFor({ state: 'hidden' });
    await row.getByText('Running', { exact: true }).waitFor();
    expect(await queuePaused('PURGE_AUDIT_LOG')).toBe(false);
  });
});
