/**
 * The HTML outputs open in a real headless browser (Debian's chromium, driven by
 * playwright-core) without console errors, and show their charts: every chart has a size on
 * the page and drawn marks. Screenshots go to screenshots/ (git-ignored) for a person to look
 * at. .ci/run installs chromium; where it is missing (a developer's machine), the test is
 * skipped and says so.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  aarHtml,
  batchHtml,
  buildAar,
  loadSessionLog,
  replayLog,
  runBatch,
  runFork,
} from '../../src/analysis/index.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { decisions, scenarioOf, tmp, TUTORIAL, writeLog } from './helpers.js';

const SHOTS = 'screenshots';
const dir = tmp();

describe.skipIf(!hasChromium)('HTML reports in a headless browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  /** Opens the page, checks it, screenshots it; returns the number of charts. */
  async function open(html: string, name: string): Promise<number> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(file).href);
    // Evaluated in the page (as text: this project compiles without the DOM library).
    const charts = await page.evaluate<{ width: number; height: number; marks: number }[]>(`
      [...document.querySelectorAll('svg.chart')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const marks = [...svg.querySelectorAll('rect.bar, path.line')].filter((m) => {
          const b = m.getBoundingClientRect();
          return b.width > 0 || b.height > 0;
        });
        return { width: box.width, height: box.height, marks: marks.length };
      })`);
    const shot = join(SHOTS, `${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.height).toBeGreaterThan(40);
      expect(c.marks).toBeGreaterThan(0);
    }
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    return charts.length;
  }

  test('a batch with sensitivity sweeps (tornado chart)', async () => {
    const { scenario } = scenarioOf(TUTORIAL);
    const r = await runBatch({
      scenario,
      runs: 60,
      workers: 0,
      vary: [
        { factor: 'security', low: 0.2, high: 0.8, steps: 4 },
        { factor: 'localTrust', low: 0.2, high: 0.8, steps: 4 },
      ],
    });
    const html = batchHtml(r);
    expect(html).toContain('Tornado');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // outcomes, end turn, phases, factors, 6 trajectories, injects, decisions, tornado, lines
    expect(await open(html, 'batch')).toBeGreaterThanOrEqual(12);
  });

  test('futures of a session with alternative decisions', async () => {
    const log = writeLog(TUTORIAL, '9', dir);
    const session = replayLog(loadSessionLog(log));
    const r = await runFork({
      session,
      log,
      atTurn: 2,
      runs: 40,
      workers: 0,
      alternative: decisions(
        'decisions: [{ turn: 2, by: team:arl, type: diplomacy, target: hestia }]',
      ),
    });
    expect(await open(batchHtml(r), 'fork')).toBeGreaterThanOrEqual(10);
  });

  test('an after-action report with the odds turn by turn', async () => {
    const log = writeLog(TUTORIAL, '12', dir, undefined, 'aar.jsonl');
    const model = await buildAar(replayLog(loadSessionLog(log)), {
      log,
      futures: 20,
      workers: 0,
    });
    // phases, factors, what usually happens, odds, CJSOR fill
    expect(await open(aarHtml(model), 'aar')).toBeGreaterThanOrEqual(5);
  });
});
