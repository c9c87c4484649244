/**
 * Files of the project itself (bundled scenarios, package.json, the web client's build),
 * found from this module: it sits one directory below the project root both as source
 * (`src/paths.ts`) and when bundled into `dist/ttx.mjs`.
 */
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);

/** The absolute path of `relative` (slash-separated) under the project root. */
export const projectPath = (relative: string): string => fileURLToPath(new URL(relative, ROOT));
