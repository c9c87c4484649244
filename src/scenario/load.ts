/**
 * Scenario loader: file bytes → YAML document → validated {@link Scenario}.
 *
 * Every problem — an unreadable file, binary content, a YAML syntax error, a schema
 * violation, a broken cross-reference — becomes a {@link ScenarioIssue} that points at a
 * 1-based line and column in the source. The loader never throws for bad input.
 *
 * Hostile input is rejected before it gets expensive: files over {@link MAX_FILE_BYTES}
 * are refused by size before they are read, nesting deeper than {@link MAX_DEPTH} is
 * refused before the YAML parser (a cheap text scan) and before zod (an exact walk of the
 * parsed document), and aliases are capped both in number ({@link MAX_ALIAS_NODES}) and in
 * expansion (yaml's `maxAliasCount`, {@link MAX_ALIAS_COUNT}).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  LineCounter,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Alias,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLError,
  type YAMLMap,
} from 'yaml';
import type { z } from 'zod';
import { ScenarioBase, ScenarioSchema, type Scenario } from '../../engine/scenario/schema.js';

/** One problem found in a scenario file, with a 1-based source position. */
export interface ScenarioIssue {
  /** The file name as given by the caller (shown verbatim in messages). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units, as editors count them). */
  col: number;
  /** Document path, e.g. `teams[2].offers.infantry`; empty for file-level problems. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** The outcome of loading a scenario: the validated scenario, or every issue found. */
export type LoadResult =
  | {
      ok: true;
      scenario: Scenario;
      /** sha256 hex of the file's raw bytes: the content hash in command-log headers. */
      hash: string;
      /** Non-fatal findings (e.g. an unresolved YAML tag). */
      warnings: ScenarioIssue[];
      /**
       * Where a document path (e.g. `['events', 2, 'trigger']`) is in the source, as far as
       * it exists there (defaults have no position of their own: their parent's is given).
       * `key`: point at the key rather than the value. For findings beyond the schema (lint).
       */
      position: (
        path: readonly (string | number)[],
        key?: boolean,
      ) => { line: number; col: number };
    }
  | { ok: false; errors: ScenarioIssue[] };

/** Largest scenario file accepted, in bytes (1 MiB). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Deepest nesting of mappings and sequences accepted (the root mapping is level 1). */
export const MAX_DEPTH = 64;
/** Most alias nodes (`*name`) a scenario may contain. */
export const MAX_ALIAS_NODES = 100;
/** yaml's `maxAliasCount`: bounds how far aliases may expand (defeats "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;
/** Most issues reported for one file; the rest are summarised in one line. */
export const MAX_ISSUES = 100;

/** sha256 hex digest of raw bytes (the scenario content hash). */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `file:line:col error|warning: path: message` (the `path: ` part only when non-empty). */
export function formatIssue(i: ScenarioIssue): string {
  const where = i.path === '' ? '' : `${i.path}: `;
  return `${i.file}:${i.line}:${i.col} ${i.severity}: ${where}${i.message}`;
}

/** Render a document path as `teams[2].offers.infantry`; odd keys as `factors["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/**
 * Read and validate a scenario file. The size is checked (via fstat, then a bounded read)
 * before any content is read or parsed.
 */
export function loadScenarioFile(path: string): LoadResult {
  const fail = (message: string): LoadResult => ({
    ok: false,
    errors: [fileIssue(path, message)],
  });
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return fail(describeFsError(err));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return fail('is a directory, not a scenario file');
    if (!st.isFile()) return fail('not a regular file');
    if (st.size > MAX_FILE_BYTES) return fail(tooBigMessage(st.size));
    // Read at most one byte past the limit: the file may have grown since fstat.
    const buf = Buffer.alloc(Math.min(st.size, MAX_FILE_BYTES) + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    if (n > MAX_FILE_BYTES) return fail(tooBigMessage(n));
    return parseScenarioBytes(buf.subarray(0, n), path);
  } catch (err) {
    return fail(describeFsError(err));
  } finally {
    try {
      closeSync(fd);
    } catch {
      // nothing useful to do
    }
  }
}

/** Validate a scenario from raw file bytes; `fileName` only labels the issues. */
export function parseScenarioBytes(bytes: Uint8Array, fileName: string): LoadResult {
  try {
    if (bytes.length > MAX_FILE_BYTES) {
      return { ok: false, errors: [fileIssue(fileName, tooBigMessage(bytes.length))] };
    }
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      const { line, col } = bytePosition(bytes, nul);
      return {
        ok: false,
        errors: [issue(fileName, line, col, '', 'binary file: it contains a NUL byte')],
      };
    }
    const bad = firstInvalidUtf8(bytes);
    if (bad >= 0) {
      const { line, col } = bytePosition(bytes, bad);
      const byte = (bytes[bad] ?? 0).toString(16).padStart(2, '0');
      return {
        ok: false,
        errors: [
          issue(fileName, line, col, '', `not UTF-8 text (invalid byte 0x${byte}); binary file?`),
        ],
      };
    }
    // TextDecoder drops a leading BOM, as editors do when they count columns.
    const text = new TextDecoder('utf-8').decode(bytes);
    return parseChecked(text, fileName, contentHash(bytes));
  } catch (err) {
    return internalFailure(fileName, err);
  }
}

/**
 * Validate a scenario from text. The hash is that of the text's UTF-8 encoding, which is
 * the file's bytes when the text was read from a UTF-8 file without a BOM.
 */
export function parseScenarioText(text: string, fileName: string): LoadResult {
  try {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_FILE_BYTES) {
      return { ok: false, errors: [fileIssue(fileName, tooBigMessage(size))] };
    }
    const bytes = Buffer.from(text, 'utf8');
    const nul = text.indexOf('\0');
    if (nul >= 0) {
      const { line, col } = textPosition(text, nul);
      return {
        ok: false,
        errors: [issue(fileName, line, col, '', 'binary file: it contains a NUL byte')],
      };
    }
    return parseChecked(
      text.startsWith('\uFEFF') ? text.slice(1) : text,
      fileName,
      contentHash(bytes),
    );
  } catch (err) {
    return internalFailure(fileName, err);
  }
}

// ---------------------------------------------------------------------------------------
// The pipeline after the byte-level checks.

function parseChecked(text: string, file: string, hash: string): LoadResult {
  if (text.trim() === '') return { ok: false, errors: [fileIssue(file, 'file is empty')] };

  const deep = scanNesting(text);
  if (deep !== undefined) {
    const { line, col } = textPosition(text, deep);
    return { ok: false, errors: [issue(file, line, col, '', tooDeepMessage())] };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    // yaml's own duplicate-key check is quadratic in the size of a mapping (a 1 MiB map of
    // 100k keys takes minutes); checkStructure does it with a Set instead.
    uniqueKeys: false,
    // 'error' keeps errors but stops yaml printing warnings to stderr ('silent' drops errors).
    logLevel: 'error',
  });
  const pos = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const at = (
    offset: number,
    message: string,
    path = '',
    severity: ScenarioIssue['severity'] = 'error',
  ): ScenarioIssue => {
    const { line, col } = pos(offset);
    return issue(file, line, col, path, message, severity);
  };

  const warnings = doc.warnings.map((w) => at(w.pos[0], yamlMessage(w), '', 'warning'));
  if (doc.errors.length > 0) {
    return fail([...doc.errors.map((e) => at(e.pos[0], yamlMessage(e))), ...warnings]);
  }

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null && root.source === '')) {
    return fail([fileIssue(file, 'file is empty (no YAML content)')]);
  }
  if (!isMap(root)) {
    const what = isSeq(root) ? 'a sequence' : isAlias(root) ? 'an alias' : 'a scalar';
    return fail([
      at(
        root.range?.[0] ?? 0,
        `a scenario must be a mapping of keys to values at the top level, not ${what}`,
      ),
      ...warnings,
    ]);
  }

  const structural = checkStructure(root, at);
  if (structural.length > 0) return fail([...structural, ...warnings]);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const first = firstAlias(root);
    const offset = first?.range?.[0] ?? 0;
    const msg = err instanceof Error ? err.message : String(err);
    if (/excessive alias count/i.test(msg)) {
      return fail([
        at(
          offset,
          `aliases expand too much (an "alias bomb"); expansions are limited to ${MAX_ALIAS_COUNT}`,
        ),
        ...warnings,
      ]);
    }
    if (err instanceof RangeError) return fail([at(offset, tooDeepMessage()), ...warnings]);
    return fail([at(offset, `cannot build the document: ${msg}`), ...warnings]);
  }

  const parsed = ScenarioSchema.safeParse(data);
  if (parsed.success) {
    const position = (path: readonly Segment[], key = false): { line: number; col: number } =>
      pos(locate(doc, root, path, key).offset);
    return { ok: true, scenario: parsed.data, hash, warnings, position };
  }
  const cascades = new WeakSet<ScenarioIssue>();
  // Past a few screens nobody reads them; keep the mapping bounded for hostile files.
  const all = parsed.error.issues
    .slice(0, 10 * MAX_ISSUES)
    .flatMap((zi) => zodIssueToIssues(zi, doc, root, at, cascades));
  const primary = all.filter((i) => !cascades.has(i));
  const truncated = parsed.error.issues.length > 10 * MAX_ISSUES;
  return fail([...(primary.length > 0 ? primary : all), ...warnings], truncated);

  function fail(list: ScenarioIssue[], truncated = false): LoadResult {
    return { ok: false, errors: capIssues(sortIssues(list), file, truncated) };
  }
}

type At = (
  offset: number,
  message: string,
  path?: string,
  severity?: ScenarioIssue['severity'],
) => ScenarioIssue;

/** Anchors of the collections enclosing a node (a linked list, innermost first). */
interface OpenAnchor {
  name: string;
  next: OpenAnchor | undefined;
}

/**
 * One iterative walk of the parsed document: nesting depth, alias count, aliases that
 * resolve to nothing or to an enclosing node (a cycle), keys that are not plain scalars.
 * All before `toJS` and zod see the data.
 */
function checkStructure(root: YamlNode, at: At): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  const anchors = new Set<string>();
  let aliases = 0;
  // Anchors must come before their aliases, so walk depth-first in source order (children
  // are pushed in reverse).
  type Entry = { node: unknown; depth: number; open: OpenAnchor | undefined };
  const stack: Entry[] = [{ node: root, depth: 1, open: undefined }];
  while (stack.length > 0) {
    const { node, depth, open } = stack.pop()!;
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      aliases += 1;
      if (aliases > MAX_ALIAS_NODES) {
        out.push(at(offset, `too many aliases; a scenario may use at most ${MAX_ALIAS_NODES}`));
        return out;
      }
      if (!anchors.has(node.source)) {
        out.push(at(offset, `alias *${node.source} refers to no earlier anchor &${node.source}`));
      } else {
        for (let a = open; a; a = a.next) {
          if (a.name === node.source) {
            out.push(at(offset, `alias *${node.source} is inside its own anchor (a cycle)`));
            break;
          }
        }
      }
      continue;
    }
    if (!isScalar(node) && !isCollection(node)) continue;
    if (node.anchor) anchors.add(node.anchor);
    if (!isCollection(node)) continue;
    if (depth > MAX_DEPTH) {
      out.push(at(node.range?.[0] ?? 0, tooDeepMessage()));
      return out;
    }
    const inner: OpenAnchor | undefined = node.anchor ? { name: node.anchor, next: open } : open;
    const children: Entry[] = [];
    const seen = new Set<string>();
    for (const item of node.items) {
      if (isPair(item)) {
        const key: unknown = item.key;
        if (key === null || !isScalar(key)) {
          const offset = nodeStart(key) ?? nodeStart(item.value) ?? node.range?.[0] ?? 0;
          out.push(
            at(offset, 'a key must be a plain scalar (not empty, a collection or an alias)'),
          );
        } else {
          // Keys become object property names, so `1` and "1" are the same key.
          const name = String(key.value);
          if (seen.has(name)) {
            out.push(at(key.range?.[0] ?? 0, `duplicate key '${name}' (keys must be unique)`));
          }
          seen.add(name);
          children.push({ node: key, depth: depth + 1, open: inner });
        }
        if (item.value !== null) children.push({ node: item.value, depth: depth + 1, open: inner });
      } else {
        children.push({ node: item, depth: depth + 1, open: inner });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

function firstAlias(root: YamlNode): Alias | undefined {
  let best: Alias | undefined;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      if (!best || (node.range?.[0] ?? 0) < (best.range?.[0] ?? 0)) best = node;
    } else if (isCollection(node)) {
      for (const item of node.items) {
        if (isPair(item)) stack.push(item.key, item.value);
        else stack.push(item);
      }
    }
  }
  return best;
}

function nodeStart(node: unknown): number | undefined {
  if (isScalar(node) || isCollection(node) || isAlias(node)) return node.range?.[0];
  return undefined;
}

// ---------------------------------------------------------------------------------------
// zod issue → positioned ScenarioIssue

type Segment = string | number;

interface Located {
  /** Offset to report. */
  offset: number;
  /** How many leading path segments exist in the document. */
  found: number;
  /** The node at the deepest existing segment (aliases resolved). */
  node: unknown;
}

/** Follow `path` through the YAML AST as far as it exists. */
function locate(doc: Document, root: YamlNode, path: readonly Segment[], keyOf = false): Located {
  let node: unknown = root;
  let offset = root.range?.[0] ?? 0;
  let found = 0;
  for (const seg of path) {
    node = resolveAlias(doc, node);
    if (isMap(node)) {
      const pair = pairIndex(node).get(String(seg));
      if (!pair) break;
      const key = pair.key as YamlNode;
      const value = resolveAlias(doc, pair.value);
      found += 1;
      const keyOffset = key.range?.[0] ?? offset;
      const isLast = found === path.length;
      // A scalar value is the offending node; a collection value is best shown at its key
      // (block collections start on the next line); unknown keys point at the key itself.
      if ((isLast && keyOf) || value === null || value === undefined || isCollection(value)) {
        offset = keyOffset;
      } else {
        offset = nodeStart(pair.value) ?? keyOffset;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      found += 1;
      offset = nodeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return { offset, found, node: resolveAlias(doc, node) };
}

const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The pairs of a mapping by key (the first of duplicates), built once per mapping. */
function pairIndex(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      if (isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    }
    pairIndexes.set(map, index);
  }
  return index;
}

const resolvedAliases = new WeakMap<Alias, unknown>();

/** The node an alias stands for (yaml's `resolve` walks the whole document: cache it). */
function resolveAlias(doc: Document, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < 10 && isAlias(n); i++) {
    const alias: Alias = n;
    if (!resolvedAliases.has(alias)) resolvedAliases.set(alias, alias.resolve(doc));
    n = resolvedAliases.get(alias);
  }
  return n;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  errors?: ZodIssueLike[][];
  issues?: ZodIssueLike[];
  expected?: string;
}

function zodIssueToIssues(
  zi: z.core.$ZodIssue,
  doc: Document,
  root: YamlNode,
  at: At,
  cascades: WeakSet<ScenarioIssue>,
): ScenarioIssue[] {
  const raw = zi as unknown as ZodIssueLike;
  const path: Segment[] = raw.path.map((p) => (typeof p === 'number' ? p : String(p)));

  if (raw.code === 'unrecognized_keys' && raw.keys) {
    const known = knownKeys(path);
    // One issue per key (pairIndex keeps a 100k-key mapping linear).
    return raw.keys.map((k, i) => {
      const full = [...path, k];
      const loc = locate(doc, root, full, true);
      const hint = i < MAX_ISSUES ? suggest(k, known) : undefined;
      const message = `unknown key '${k}'${hint ? `; did you mean '${hint}'?` : ''}`;
      return at(loc.offset, message, formatPath(full));
    });
  }

  // A reference check on a record key (`unknown factor 'x'` at `weights.x`) blames the key.
  const last = path[path.length - 1];
  const blamesKey =
    raw.code === 'invalid_key' ||
    (raw.code === 'custom' && typeof last === 'string' && raw.message.includes(`'${last}'`));
  const loc = locate(doc, root, path, blamesKey);
  const missing = loc.found === path.length - 1 && isMap(loc.node);
  let message = raw.message;
  if (missing && raw.code !== 'custom') {
    const key = String(path[path.length - 1]);
    const detail =
      raw.code === 'invalid_type' && raw.expected
        ? article(raw.expected)
        : raw.message.replace(/^Invalid (input|option): /, '');
    message = `missing required key '${key}' (${detail})`;
  } else if (raw.code === 'invalid_key') {
    const key = String(path[path.length - 1]);
    const inner = (raw.issues ?? []).map((i) => i.message).join('; ');
    message = `invalid key '${key}'${inner ? `: ${inner}` : ''}`;
  } else if (raw.code === 'invalid_union' && raw.errors) {
    const alts = raw.errors
      .map((branch) => branch[0]?.message)
      .filter((m): m is string => m !== undefined);
    if (alts.length > 0) {
      message = `invalid value: ${alts.map((m) => m.replace(/^Invalid (input|option): /, '')).join(', or ')}`;
    }
  }
  const out = at(loc.offset, message, formatPath(path));
  // A reference check on a value the author never wrote (a default, e.g. the built-in
  // action weights on a core factor) is a consequence of another error: mark it so the
  // caller can drop it when that error is reported.
  if (raw.code === 'custom' && loc.found < path.length) cascades.add(out);
  return [out];
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

// ---------------------------------------------------------------------------------------
// Schema introspection for "did you mean" hints.

interface DefLike {
  type?: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  keyType?: unknown;
  valueType?: unknown;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
}

function defOf(schema: unknown): DefLike | undefined {
  if (typeof schema !== 'object' || schema === null || !('_zod' in schema)) return undefined;
  const zod = (schema as { _zod?: { def?: DefLike } })._zod;
  return zod?.def;
}

const WRAPPERS = new Set([
  'optional',
  'default',
  'prefault',
  'nullable',
  'readonly',
  'nonoptional',
  'catch',
]);

function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (!def) return s;
    if (def.type !== undefined && WRAPPERS.has(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else return s;
  }
  return s;
}

/** The schemas that may sit at `path` (a union yields several). */
function schemasAt(path: readonly Segment[]): unknown[] {
  let current: unknown[] = [ScenarioBase];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const s of current.flatMap(expandUnion)) {
      const def = defOf(s);
      if (!def) continue;
      if (def.type === 'object' && typeof seg === 'string' && def.shape && seg in def.shape) {
        next.push(def.shape[seg]);
      } else if (def.type === 'array' && typeof seg === 'number') next.push(def.element);
      else if (def.type === 'record') next.push(def.valueType);
    }
    current = next;
  }
  return current.flatMap(expandUnion);
}

function expandUnion(schema: unknown): unknown[] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def?.type === 'union' && Array.isArray(def.options)) return def.options.map(unwrap);
  return [s];
}

function knownKeys(path: readonly Segment[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(path)) {
    const def = defOf(s);
    if (def?.type === 'object' && def.shape) Object.keys(def.shape).forEach((k) => keys.add(k));
    if (def?.type === 'record') {
      const values = (unwrap(def.keyType) as { _zod?: { values?: Set<unknown> } })._zod?.values;
      values?.forEach((v) => keys.add(String(v)));
    }
  }
  return [...keys];
}

/** The known key closest to `key`, if it is close enough to be a likely typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k.toLowerCase() === lower) return k;
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  const allowed = Math.max(1, Math.floor(key.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Optimal-string-alignment distance: edits plus adjacent transpositions ("titel"). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const up = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

// ---------------------------------------------------------------------------------------
// YAML error messages

function yamlMessage(e: YAMLError): string {
  switch (e.code) {
    case 'MULTIPLE_DOCS':
      return 'a scenario file holds one YAML document; this starts a second one';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation (use spaces)';
    case 'RESOURCE_EXHAUSTION':
      return tooDeepMessage();
    default:
      return `YAML: ${e.message}`;
  }
}

// ---------------------------------------------------------------------------------------
// Cheap pre-parse guards and helpers

/**
 * Pre-parse nesting guard. A lexical approximation that ignores quoted strings and
 * comments; it only has to catch the pathological (thousands of levels, which would make
 * the YAML parser recurse until the stack overflows, slowly), so its limit is generous and
 * the exact {@link MAX_DEPTH} check is done on the parsed document. Returns the offset
 * where the limit is crossed, or undefined.
 */
function scanNesting(text: string): number | undefined {
  const LIMIT = 4 * MAX_DEPTH;
  let flow = 0;
  let i = 0;
  const n = text.length;
  let lineStart = true;
  const indents: number[] = [];
  while (i < n) {
    if (lineStart) {
      lineStart = false;
      let j = i;
      while (j < n && text[j] === ' ') j++;
      const indent = j - i;
      const c = text[j];
      if (flow === 0 && c !== undefined && c !== '\n' && c !== '\r' && c !== '#') {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        // Compact nested sequences / explicit keys on one line ("- - - x", "? ? x").
        let k = j;
        let compact = 0;
        while (
          k + 1 < n &&
          (text[k] === '-' || text[k] === '?') &&
          (text[k + 1] === ' ' || text[k + 1] === '\t')
        ) {
          compact += 1;
          k += 2;
          while (k < n && text[k] === ' ') k++;
        }
        if (indents.length + compact > LIMIT) return j;
      }
      i = j;
      continue;
    }
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      i++;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < n && text[i] !== '\n') i++;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) {
      i = skipQuoted(text, i);
    } else if (c === '[' || c === '{') {
      flow += 1;
      if (flow + indents.length > LIMIT) return i;
      i++;
    } else if (c === ']' || c === '}') {
      if (flow > 0) flow -= 1;
      i++;
    } else {
      i++;
    }
  }
  return undefined;
}

function skipQuoted(text: string, start: number): number {
  const q = text[start];
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (q === '"' && c === '\\') i += 2;
    else if (c === q) {
      if (q === "'" && text[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else return i;
    if (i + len > n) return i;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const cc = b[i + k]!;
      if ((cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return -1;
}

function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lastNl = i;
    }
  }
  // Column in characters for the valid UTF-8 prefix of the line.
  const prefix = bytes.subarray(lastNl + 1, offset);
  const col = new TextDecoder('utf-8').decode(prefix).length + 1;
  return { line, col };
}

function textPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastNl = i;
    }
  }
  return { line, col: offset - lastNl };
}

function tooBigMessage(size: number): string {
  const mib = (size / (1024 * 1024)).toFixed(1);
  return `file is ${mib} MiB (${size} bytes); the limit is 1 MiB`;
}

function tooDeepMessage(): string {
  return `nesting is too deep; the limit is ${MAX_DEPTH} levels`;
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read file: permission denied';
    case 'EISDIR':
      return 'is a directory, not a scenario file';
    case 'ENOTDIR':
      return 'file not found (a parent is not a directory)';
    default:
      return `cannot read file: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function issue(
  file: string,
  line: number,
  col: number,
  path: string,
  message: string,
  severity: ScenarioIssue['severity'] = 'error',
): ScenarioIssue {
  return { file, line: Math.max(1, line), col: Math.max(1, col), path, message, severity };
}

function fileIssue(file: string, message: string): ScenarioIssue {
  return issue(file, 1, 1, '', message);
}

function internalFailure(file: string, err: unknown): LoadResult {
  const msg = err instanceof Error ? err.message : String(err);
  return { ok: false, errors: [fileIssue(file, `internal error while loading: ${msg}`)] };
}

function sortIssues(list: ScenarioIssue[]): ScenarioIssue[] {
  const rank = (s: ScenarioIssue['severity']): number => (s === 'error' ? 0 : 1);
  return [...list].sort(
    (a, b) => a.line - b.line || a.col - b.col || rank(a.severity) - rank(b.severity),
  );
}

function capIssues(list: ScenarioIssue[], file: string, truncated: boolean): ScenarioIssue[] {
  if (list.length <= MAX_ISSUES) return list;
  const rest = list.length - MAX_ISSUES;
  const last = list[MAX_ISSUES - 1]!;
  const more = truncated
    ? `more than ${rest} more issues`
    : `${rest} more issue${rest === 1 ? '' : 's'}`;
  return [...list.slice(0, MAX_ISSUES), issue(file, last.line, last.col, '', `…and ${more}`)];
}
