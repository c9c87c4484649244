/** `ttx serve` from the command line: arguments, the banner, a clean stop. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/context.js';
import { serve } from '../../src/cli/commands/serve.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from './helpers.js';

const collect = (): {
  out: string[];
  err: string[];
  io: { out: (s: string) => void; err: (s: string) => void };
} => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
};

describe('ttx serve', () => {
  it('refuses bad arguments with one line', async () => {
    for (const args of [
      ['--port', 'x'],
      ['--port', '70000'],
      ['--log-level', 'loud'],
      ['--log-format', 'xml'],
    ]) {
      const c = collect();
      const code = await main(['node', 'ttx', 'serve', ...args], c.io);
      expect(code, args.join(' ')).toBe(EXIT.usage);
      expect(c.err.join('')).toMatch(/^ttx: .*\n$/);
    }
  });

  it('prints the URL and how to create a session, then stops cleanly', async () => {
    const data = tempDir();
    const c = collect();
    let stop: (s: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const running = serve(
      { port: '0', host: '127.0.0.1', data, logLevel: 'info', logFormat: 'json' },
      { io: c.io, exitCode: 0 },
      stopped,
    );
    while (!c.out.join('').includes('listening on')) await new Promise((r) => setTimeout(r, 10));
    const text = c.out.join('');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(text).toContain(`curl -s -X POST ${url}/api/sessions`);
    expect(text).toMatch(/ws:\/\/127\.0\.0\.1:\d+\/ws/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    stop('SIGTERM');
    expect(await running).toBe(EXIT.ok);
    expect(c.out.join('')).toContain('"msg":"stopped"');
    rmSync(data, { recursive: true, force: true });
  });

  it('says so when the port is taken', async () => {
    const data = tempDir();
    const first = collect();
    let stop: (s: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const running = serve(
      { port: '0', host: '127.0.0.1', data, logLevel: 'warn', logFormat: 'json' },
      { io: first.io, exitCode: 0 },
      stopped,
    );
    while (!first.out.join('').includes('listening on'))
      await new Promise((r) => setTimeout(r, 10));
    const port = /127\.0\.0\.1:(\d+)/.exec(first.out.join(''))?.[1] ?? '';
    const otherData = tempDir();
    const second = collect();
    const code = await serve(
      { port, host: '127.0.0.1', data: otherData, logLevel: 'warn', logFormat: 'json' },
      { io: second.io, exitCode: 0 },
      new Promise(() => undefined),
    );
    expect(code).toBe(EXIT.invalid);
    expect(second.err.join('')).toMatch(/port is in use/);
    // A second server on the same data directory is refused: it would replay the journal the
    // first one is writing.
    const third = collect();
    const again = await serve(
      { port: '0', host: '127.0.0.1', data, logLevel: 'warn', logFormat: 'json' },
      { io: third.io, exitCode: 0 },
      new Promise(() => undefined),
    );
    expect(again).toBe(EXIT.invalid);
    expect(third.err.join('')).toMatch(/data directory .* is already open/);
    stop('SIGTERM');
    await running;
    rmSync(data, { recursive: true, force: true });
    rmSync(otherData, { recursive: true, force: true });
  });
});
