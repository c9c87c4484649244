/**
 * The web client end to end, in a real browser (Debian's chromium, driven by playwright-core)
 * against a real `ttx serve`: a white cell and three teams play the tutorial to its end, each
 * on its own page; a team's page never shows another team's secrets; a page recovers from a
 * cut connection and from a server restart. Every page fails the test on any console error.
 * Screenshots of each view land in tests/web/screenshots/ (git-ignored). Where chromium is
 * missing (a developer's machine), the tests are skipped and say so; .ci/run installs it.
 */
import { rmSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { connectNode } from '../../server/client-node.js';
import {
  buildClient,
  DESKTOP,
  fitsWidth,
  hasChromium,
  launch,
  openPage,
  pageText,
  screenshot,
  serveClient,
  TABLET,
  waitForChoices,
  waitForConnected,
  waitForTurn,
  type TestServer,
  type Viewport,
  type WatchedPage,
} from './helpers.js';

if (!hasChromium) {
  console.warn('tests/web: /usr/bin/chromium is missing (apt-get install chromium): skipped');
}

describe.skipIf(!hasChromium)('the web client in a browser', () => {
  let browser: Browser;
  let t: TestServer;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    const [webRoot, b] = await Promise.all([buildClient(), launch()]);
    browser = b;
    t = await serveClient(webRoot);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
    if (t) rmSync(t.webRoot, { recursive: true, force: true });
  });

  /** Opens a page; after the test it is closed and checked for errors. */
  async function open(url: string, viewport: Viewport = DESKTOP): Promise<WatchedPage> {
    const p = await openPage(browser, url, viewport);
    pages.push(p);
    return p;
  }

  // Each test's pages: none may have logged an error; closed, so that they stop reconnecting.
  afterEach(async () => {
    const opened = pages.splice(0);
    for (const p of opened) await p.page.close();
    for (const p of opened) expect(p.errors, p.page.url()).toEqual([]);
  });

  /** Creates a session through the start page; returns its id and the join links by role. */
  async function createOnStartPage(
    seed: string,
    shots: boolean,
  ): Promise<{ session: string; links: Record<string, string> }> {
    const { page } = await open(`${t.server.url}/`);
    await page.getByRole('radio', { name: /Operation Tutorial/ }).check();
    if (shots) {
      expect(await fitsWidth(page)).toBe(true);
      await screenshot(page, 'start');
    }
    await page.getByRole('textbox', { name: 'Seed' }).fill(seed);
    await page.getByRole('button', { name: 'Create the session' }).click();
    await page.getByTestId('open-console').waitFor();
    if (shots) await screenshot(page, 'start-links', true);
    const links = await page.evaluate<Record<string, string>>(`Object.fromEntries(
      [...document.querySelectorAll('.link-list li')].map((li) =>
        [li.dataset.role, li.querySelector('input').value]))`);
    const session = (await page.getByTestId('session').textContent()) ?? '';
    await page.close();
    return { session, links };
  }

  /** The join token of a link (`/play#token=…`). */
  const tokenOf = (link: string | undefined): string =>
    decodeURIComponent(new URL(link ?? '').hash.slice('#token='.length));

  /**
   * Takes one decision through a team page's form: optionally adjusts the form, reviews it,
   * confirms it, and returns the result line ("Done: …" or "Not done: …").
   */
  async function decide(
    page: Page,
    type: string,
    adjust?: (card: Locator) => Promise<void>,
  ): Promise<string> {
    const card = page.locator(`section[data-decision="${type}"]`);
    if (adjust) await adjust(card);
    await card.locator('form button[type=submit]').click();
    await card.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.decisions .confirm').waitFor({ state: 'detached' });
    const result = (await page.locator('.decisions .result-line p').textContent()) ?? '';
    await waitForChoices(page);
    return result;
  }

  test('a white cell and three teams play the tutorial to its end', async () => {
    const { session: id, links } = await createOnStartPage('7', true);
    const linkOf = (role: string): string => {
      const l = links[role];
      if (!l) throw new Error(`no link for ${role}`);
      return l;
    };
    const fac = (await open(linkOf('facilitator'))).page;
    await waitForChoices(fac);
    for (const name of ['Arland', 'Borealia', 'Castora']) {
      await fac.getByRole('button', { name: `Hand to players (${name})` }).click();
      await fac.getByRole('button', { name: `Hand to policy (${name})` }).waitFor();
    }
    await waitForChoices(fac);
    await fac.getByRole('button', { name: 'Start the exercise' }).click();
    await waitForTurn(fac, 1);

    const teams = {
      arl: (await open(linkOf('team:arl'))).page,
      bor: (await open(linkOf('team:bor'))).page,
      cas: (await open(linkOf('team:cas'))).page,
    };
    for (const page of Object.values(teams)) await waitForChoices(page);

    // The first decision by keyboard alone: the form, then the confirmation, which takes focus.
    const draft = teams.arl.locator('section[data-decision="draftResolution"]');
    await draft.getByRole('button', { name: 'Review…' }).focus();
    await teams.arl.keyboard.press('Enter');
    expect(await teams.arl.evaluate<string>('document.activeElement.textContent')).toBe('Confirm');
    await teams.arl.keyboard.press('Enter');
    await teams.arl.locator('.decisions .result-line p').waitFor();
    expect(await teams.arl.locator('.decisions .result-line').textContent()).toContain(
      'Done: Table a Chapter VII draft resolution',
    );
    await waitForChoices(teams.arl);
    // The white cell sees who has done what this turn.
    await fac.getByTestId('done-arl').filter({ hasText: 'tables a Chapter VII draft' }).waitFor();

    /** What each team does when it can, once a turn each (pledges: while there is room). */
    const plan: Record<keyof typeof teams, readonly string[]> = {
      arl: ['castVote', 'nationalDecision', 'pledge', 'pledge', 'pledge', 'respond', 'cimic'],
      bor: ['castVote', 'nationalDecision', 'pledge', 'pledge', 'respond', 'shareIntel'],
      cas: ['castVote', 'nationalDecision', 'pledge', 'pledge', 'respond'],
    };
    let observer: Page | undefined;
    let turn = 1;
    for (; turn <= 20; turn++) {
      for (const [id, page] of Object.entries(teams) as [keyof typeof teams, Page][]) {
        const done = new Set<number>();
        for (;;) {
          let next = -1;
          for (const [i, type] of plan[id].entries()) {
            if (done.has(i)) continue;
            if ((await page.locator(`section[data-decision="${type}"]`).count()) > 0) {
              next = i;
              break;
            }
          }
          if (next < 0) break;
          done.add(next);
          const type = plan[id][next] ?? '';
          // Borealia pledges with an extra caveat of its own.
          const adjust =
            type === 'pledge' && id === 'bor'
              ? (card: Locator) => card.getByRole('checkbox', { name: 'no detention' }).check()
              : undefined;
          const result = await decide(page, type, adjust);
          expect(result, `${id} ${type} in turn ${turn}`).toMatch(/^Done: /);
        }
      }
      if (turn === 6) {
        observer = (await open(linkOf('observer'))).page;
        await waitForTurn(observer, turn);
        await screenshot(observer, 'observer');
        await screenshot(teams.arl, 'team');
        await screenshot(teams.arl, 'team-full', true);
        await screenshot(fac, 'facilitator');
        await screenshot(fac, 'facilitator-full', true);
        for (const p of [observer, teams.arl, fac]) expect(await fitsWidth(p)).toBe(true);
      }
      await waitForChoices(fac);
      if ((await fac.getByTestId('outcome').count()) > 0) break;
      await fac.getByRole('button', { name: 'End turn and advance' }).click();
      for (const p of [fac, ...Object.values(teams)]) await waitForTurn(p, turn + 1);
      if ((await fac.getByTestId('outcome').count()) > 0) break;
      for (const p of Object.values(teams)) await waitForChoices(p);
    }

    // Every page shows the outcome the server reached.
    const state = await t.server.state(id);
    const outcome = state?.outcome;
    expect(outcome).toBeTruthy();
    const label = { success: 'Success', partial: 'Partial success', failure: 'Failure' };
    for (const p of [fac, ...Object.values(teams), ...(observer ? [observer] : [])]) {
      await p.getByTestId('outcome').waitFor();
      expect(await p.getByTestId('outcome-result').textContent()).toBe(
        label[outcome?.result ?? 'failure'],
      );
      expect(await p.getByTestId('outcome-reason').textContent()).toBe(outcome?.reason);
    }
    const status = await fetch(`${t.server.url}/api/sessions/${id}`, {
      headers: { authorization: `Bearer ${tokenOf(links['observer'])}` },
    });
    expect(((await status.json()) as { outcome: unknown }).outcome).toEqual(outcome);

    // Borealia's pledge carries the caveat its players added.
    const contingents = Object.values(state?.force.contingents ?? {});
    expect(contingents.some((c) => c.nation === 'bor' && c.caveats.includes('noDetention'))).toBe(
      true,
    );

    await screenshot(fac, 'ended');
    await screenshot(fac, 'ended-full', true);
    await screenshot(teams.cas, 'ended-team');

    // The white cell's links: the after-action report opens, the log downloads.
    const report = fac.getByTestId('report-link');
    const reportUrl = await report.getAttribute('href');
    const aar = (await open(`${t.server.url}${reportUrl}`)).page;
    expect(await pageText(aar)).toContain('Operation Tutorial');
    await screenshot(aar, 'report');
    const logUrl = await fac.getByTestId('log-link').getAttribute('href');
    const log = await fetch(`${t.server.url}${logUrl}`);
    expect(log.status).toBe(200);
    const lines = (await log.text()).trim().split('\n');
    expect(lines.at(-1)).toContain('"end"');
  });

  test("a team's page never shows another team's confidential data", async () => {
    const { session, links } = await createOnStartPage('11', false);
    const arlLink = links['team:arl'] ?? '';
    const borLink = links['team:bor'] ?? '';
    const arl = (await open(arlLink)).page;
    // Borealia on a tablet: every frame its socket receives is kept.
    const bor = await open(borLink, TABLET);
    const frames: string[] = [];
    bor.page.on('websocket', (ws) =>
      ws.on('framereceived', (f) => frames.push(typeof f.payload === 'string' ? f.payload : '')),
    );
    await bor.page.reload();
    const fac = (await open(links['facilitator'] ?? '')).page;
    await waitForChoices(fac);
    await fac.getByRole('button', { name: 'Hand to players (Arland)' }).click();
    await fac.getByRole('button', { name: 'Hand to policy (Arland)' }).waitFor();
    await waitForChoices(fac);
    await fac.getByRole('button', { name: 'Start the exercise' }).click();
    await waitForTurn(arl, 1);
    await waitForChoices(arl);

    // Arland's secret vote, and an inject only the Alliance and Arland see.
    expect(await decide(arl, 'draftResolution')).toMatch(/^Done/);
    expect(await decide(arl, 'castVote')).toMatch(/^Done/);
    await waitForChoices(fac);
    const fire = fac.locator('section[data-decision="fireInject"]');
    await fire.getByRole('button', { name: /Fire the inject/ }).click();
    await fire.getByRole('button', { name: 'Confirm' }).click();
    await arl.getByText('a militia commander wants to talk').first().waitFor();
    await waitForChoices(bor.page);

    const secrets = [
      'You are the framework nation', // Arland's briefing
      'a militia commander wants to talk', // the inject Borealia may not see
      'casts its vote', // Arland's secret vote
      'Colonel',
    ];
    const arlText = await pageText(arl);
    for (const s of secrets.slice(0, 3)) expect(arlText).toContain(s);
    const borText = await pageText(bor.page);
    expect(borText).toContain('Your parliament votes in week 3 or 4'); // its own briefing
    for (const s of secrets) {
      expect(borText).not.toContain(s);
      for (const f of frames) expect(f).not.toContain(s);
    }
    expect(frames.some((f) => f.includes('"type":"welcome"'))).toBe(true);
    expect(frames.join('')).not.toContain('"full"');
    expect(await fitsWidth(bor.page)).toBe(true);
    await screenshot(bor.page, 'team-tablet');
    await screenshot(bor.page, 'team-tablet-full', true);

    // The white cell replaces the observers' link: the new one is shown, the old one refused.
    await fac.getByRole('button', { name: 'New link for Observers' }).click();
    await fac.getByText('A new link was issued for Observers').waitFor();
    const fresh = await fac.getByRole('textbox', { name: 'New link: Observers' }).inputValue();
    const status = (link: string | undefined): Promise<number> =>
      fetch(`${t.server.url}/api/sessions/${session}`, {
        headers: { authorization: `Bearer ${tokenOf(link)}` },
      }).then((r) => r.status);
    expect(await status(links['observer'])).toBe(401);
    expect(await status(fresh)).toBe(200);
  });

  test('a page reconnects by itself: a cut socket, a network drop, a server restart', async () => {
    const { links } = await createOnStartPage('3', false);
    const white = await connectNode({ url: t.server.wsUrl, token: tokenOf(links['facilitator']) });
    await white.send({ type: 'setControl', team: 'arl', mode: 'human' });
    await white.send({ type: 'start' });
    const arl = await open(links['team:arl'] ?? '');
    let sockets = 0;
    arl.page.on('websocket', () => sockets++);
    await waitForTurn(arl.page, 1);
    await waitForChoices(arl.page);

    // 1. The connection is cut abruptly (no close frame): the page reconnects by itself.
    const before = sockets;
    for (const c of t.server.connections()) if (c.role === 'team:arl') c.terminate();
    await waitForConnected(arl.page);
    await waitForChoices(arl.page);
    expect(sockets).toBe(before + 1);
    await white.send({ type: 'advance' });
    await waitForTurn(arl.page, 2);

    // The browser loses its network and gets it back: the page reconnects at once.
    const offline = sockets;
    const next = arl.page.waitForEvent('websocket');
    await arl.page.context().setOffline(true);
    await arl.page.context().setOffline(false);
    await next;
    await waitForChoices(arl.page);
    expect(sockets).toBe(offline + 1);

    // 2. The server stops: the page says it is reconnecting, and keeps trying.
    await white.close();
    // From here on the browser reports the refused attempts; nothing else may go wrong.
    arl.tolerate = /^console: WebSocket connection to '[^']+' failed: .*ERR_CONNECTION_REFUSED$/;
    await t.stop();
    await arl.page.getByText('Reconnecting…').waitFor();
    expect(await pageText(arl.page)).toContain('Trying again by itself');
    await screenshot(arl.page, 'reconnecting');

    // 3. It comes back on the same port with the same data: the page resumes where it was.
    await t.restart();
    await waitForConnected(arl.page);
    await waitForChoices(arl.page);
    expect(await decide(arl.page, 'draftResolution')).toMatch(/^Done/);
    const again = await connectNode({ url: t.server.wsUrl, token: tokenOf(links['facilitator']) });
    await again.send({ type: 'advance' });
    await waitForTurn(arl.page, 3);
    expect(await pageText(arl.page)).toContain('tables a Chapter VII draft resolution');

    // 4. A revoked link: the page says so in plain words and stops trying.
    await again.revoke('team:arl');
    await arl.page.getByText('Disconnected').waitFor();
    expect(await pageText(arl.page)).toContain('the white cell has revoked it');
    await again.close();
  });
});
