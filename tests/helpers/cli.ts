/** Runs the `ttx` CLI in-process and collects what it prints. */
import { main } from '../../src/cli/main.js';

export async function ttx(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'ttx', ...args], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}
