/**
 * Shared set-up for the browser tests: the web client built from the current sources, a real
 * server serving it, Debian's chromium driven by playwright-core, and pages that fail the test
 * on any console error or page error. Screenshots go to tests/web/screenshots/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { startServer, type RunningServer } from '../../server/server.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';

export { hasChromium };
export const SHOTS = join(import.meta.dirname, 'screenshots');

export interface Viewport {
  readonly width: number;
  readonly height: number;
}
export const DESKTOP: Viewport = { width: 1280, height: 720 };
/** A tablet held upright (iPad Air). */
export const TABLET: Viewport = { width: 820, height: 1180 };

/** Builds the client from web/ (as `npm run build:web` does) into a fresh directory. */
export async function buildClient(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'ttx-web-'));
  await build({
    configFile: join(import.meta.dirname, '../../vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export const launch = launchChromium;

export interface TestServer {
  server: RunningServer;
  readonly dataDir: string;
  readonly webRoot: string;
  /** Stops the server (it can be started again on the same port and data). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

export async function serveClient(webRoot: string): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ttx-web-data-'));
  const start = (port: number): Promise<RunningServer> =>
    startServer({ port, host: '127.0.0.1', dataDir, webRoot });
  const t: TestServer = {
    server: await start(0),
    dataDir,
    webRoot,
    stop: () => t.server.close(),
    restart: async () => {
      t.server = await start(t.server.port);
    },
    dispose: async () => {
      await t.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A page whose console errors and page errors are collected (the test expects none). */
export interface WatchedPage {
  readonly page: Page;
  readonly errors: string[];
  /** Errors matching this are expected (e.g. connection failures while the server is down). */
  tolerate: RegExp | undefined;
}

export async function openPage(
  browser: Browser,
  url: string,
  viewport: Viewport = DESKTOP,
): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const watched: WatchedPage = { page, errors: [], tolerate: undefined };
  const record = (text: string): void => {
    if (!watched.tolerate?.test(text)) watched.errors.push(text);
  };
  page.on('console', (m) => {
    if (m.type() === 'error') record(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => record(`page error: ${String(e)}`));
  await page.goto(url);
  return watched;
}

/** Screenshots the top of the page (or all of it) into tests/web/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** True if the page fits its viewport's width (no horizontal scrolling). */
export const fitsWidth = (page: Page): Promise<boolean> =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

/** The page's visible text. */
export const pageText = (page: Page): Promise<string> => page.locator('body').innerText();

// Waits use locators, never page.waitForFunction: that evaluates a string in the page, which the
// app's Content-Security-Policy (no 'unsafe-eval') rightly refuses.

/** Waits until the page shows this turn, or the exercise's outcome. */
export async function waitForTurn(page: Page, turn: number): Promise<void> {
  await page
    .getByTestId('turn')
    .filter({ hasText: new RegExp(`^${turn} of`) })
    .or(page.getByTestId('outcome'))
    .first()
    .waitFor();
}

/** Waits until the page is connected and its legal choices are current (not being refreshed). */
export async function waitForChoices(page: Page): Promise<void> {
  await page.locator('.connection-connected').waitFor();
  await page
    .locator('section.decisions[aria-busy=false], section.controls[aria-busy=false]')
    .waitFor();
}

/** Waits until the page is connected. */
export const waitForConnected = (page: Page): Promise<void> =>
  page.locator('.connection-connected').waitFor();
