/**
 * Imported first by main.tsx: zod compiles its object parsers with `new Function` unless told
 * not to, which the page's Content-Security-Policy (no 'unsafe-eval') forbids. It decides when
 * each schema is built, so this must run before any schema module.
 */
import { z } from 'zod';

z.config({ jitless: true });
