/**
 * What every console end-to-end test needs: Debian's Chromium through playwright-core (never a
 * downloaded browser), the built console, signing in and out, and screenshots for the README.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { toolsAvailable } from './client-tools.js';

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

/** Headless Chromium with one page: English, light, 1280×800, clipboard allowed. */
export async function launchConsoleBrowser(
  options: { colorScheme?: 'light' | 'dark'; locale?: string } = {},
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
