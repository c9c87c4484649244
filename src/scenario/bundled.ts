/** The scenarios shipped with ttx, in the package's scenarios/ folder. */
import { existsSync, readdirSync } from 'node:fs';
import { projectPath } from '../paths.js';

export const BUNDLED_DIR = projectPath('scenarios/');

/** Paths of the bundled scenario files, sorted. */
export function bundledScenarioFiles(): string[] {
  return readdirSync(BUNDLED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `${BUNDLED_DIR}${f}`);
}

/** The bundled file for a scenario id, if one exists (file names are the ids). */
export function bundledScenarioPath(id: string): string | undefined {
  const path = `${BUNDLED_DIR}${id}.yaml`;
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(id) && existsSync(path) ? path : undefined;
}
