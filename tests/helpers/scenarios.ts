/** Bundled scenarios for tests, loaded once through the real loader. */
import { basename } from 'node:path';
import type { Scenario } from '../../engine/index.js';
import { bundledScenarioFiles } from '../../src/scenario/bundled.js';
import { formatIssue, loadScenarioFile } from '../../src/scenario/load.js';

const cache = new Map<string, Scenario>();

export function loadScenario(file: string): Scenario {
  let sc = cache.get(file);
  if (!sc) {
    const r = loadScenarioFile(file);
    if (!r.ok) throw new Error(r.errors.map(formatIssue).join('\n'));
    sc = r.scenario;
    cache.set(file, sc);
  }
  return sc;
}

export const bundled = (): { name: string; file: string }[] =>
  bundledScenarioFiles().map((file) => ({ name: basename(file, '.yaml'), file }));

export const bundledScenario = (name: string): Scenario =>
  loadScenario(bundledScenarioFiles().find((f) => basename(f, '.yaml') === name) ?? name);
