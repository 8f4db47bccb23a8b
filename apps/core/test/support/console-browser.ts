/**
 * What every console end-to-end test needs: Debian's Chromium through playwright-core (never a
 * downloaded browser), the built console, signing in and out, and screenshots for the README.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ApiClient } from './api-client.js';
import { Skopeo, toolsAvailable, type Scratch } from './client-tools.js';
import { ADMIN_PASSWORD } from './core-process.js';
import { writeImageLayout, type ImageOptions, type LayoutImage } from './oci-layout.js';

export const CHROMIUM = '/usr/bin/chromium';

/** The core serves BERTH_CONSOLE_DIR when set (a build kept apart from apps/web/dist), else apps/web/dist. */
export const CONSOLE_DIR =
  process.env.BERTH_CONSOLE_DIR ?? fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export const CONSOLE_BUILT = existsSync(join(CONSOLE_DIR, 'index.html'));

export const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

/** Chromium, the built console and the named command-line tools are all here. */
export function consoleTestsAvailable(...tools: string[]): boolean {
  return existsSync(CHROMIUM) && CONSOLE_BUILT && tools.every((tool) => toolsAvailable(tool));
}

export interface ConsoleBrowser {
  browser: Browser;
  page: Page;
}

/**
 * Headless Chromium with one page: English, light, 1280×800, clipboard allowed, the machine's time
 * zone unless `timezoneId` names another.
 */
export async function launchConsoleBrowser(
  options: { colorScheme?: 'light' | 'dark'; locale?: string; timezoneId?: string } = {},
): Promise<ConsoleBrowser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    permissions: ['clipboard-read', 'clipboard-write'],
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  context.setDefaultTimeout(15_000);
  return { browser, page: await context.newPage() };
}

/** Signs in from the sign-in page and waits for the project list. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
}

/**
 * A full-page screenshot into docs/screenshots/, with no hover effect. `afterDialogs` first waits
 * for closed dialogs to finish fading out (Mantine unmounts them after the transition).
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { afterDialogs?: boolean } = {},
): Promise<void> {
  await page.mouse.move(0, 0);
  if (options.afterDialogs) await page.waitForFunction("!document.querySelector('.mantine-Modal-content')");
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** A user created through the API, with `<name>@example.com` as email. */
export async function createUser(
  admin: ApiClient,
  username: string,
  password: string,
  realname = username,
): Promise<void> {
  const reply = await admin.post('/users', {
    username,
    email: `${username}@example.com`,
    realname,
    password,
  });
  if (reply.status !== 201) throw new Error(`creating user ${username}: HTTP ${reply.status}`);
}

/** A private project created through the API (`extra` adds to the request body); returns its id. */
export async function createProject(
  admin: ApiClient,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const reply = await admin.post('/projects', {
    project_name: name,
    metadata: { public: 'false' },
    ...extra,
  });
  if (reply.status !== 201) throw new Error(`creating project ${name}: HTTP ${reply.status}`);
  const id = Number(reply.headers.get('location')?.split('/').pop());
  if (!(id > 0)) throw new Error(`creating project ${name}: no id in Location`);
  return id;
}

/**
 * Builds an image and pushes it with skopeo as admin under every `project/repository:tag` given, so
 * the pages show something really pushed through the registry.
 */
export async function pushImage(
  coreUrl: string,
  scratch: Scratch,
  references: string[],
  options: ImageOptions = {},
): Promise<LayoutImage> {
  const layout = scratch.path(`layout-${randomUUID()}`);
  const image = await writeImageLayout(layout, 'pushed', options);
  const skopeo = await Skopeo.create({ host: new URL(coreUrl).host, credentials: null }, scratch);
  for (const reference of references) {
    await skopeo.copy(`oci:${layout}:pushed`, skopeo.ref(reference), [
      `--dest-creds=admin:${ADMIN_PASSWORD}`,
    ]);
  }
  return image;
}
