/**
 * View patches: the difference between two versions of a role's view, in immer's patch
 * format (`{ op, path, value }`, paths as arrays), and its application on the client.
 *
 * Engine states share every partition a step did not touch, so `diff` first compares by
 * reference and only walks what changed. Values are plain JSON data; a property whose value
 * is `undefined` counts as absent, as in JSON.
 */
import { grewFrom } from '../engine/fork.js';
import type { Patch } from './protocol.js';

type Json = Record<string, unknown>;
type Path = (string | number)[];

const isRecord = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Remembers the patches between two objects, so that a subtree shared by several views (the
 * public partition is in every role's view) is compared once per pair of versions. They are
 * kept as first emitted, at the path where they were found (its first `prefix` keys are that
 * subtree's path); another view's copy gets its own path only when it is reused. A memo serves
 * one round of diffs (the server's one push), and holds their values until it is dropped.
 */
export type DiffMemo = Map<object, { after: object; prefix: number; patches: Patch[] }>;

/** Subtrees this deep (1: a view's partitions; 2: the white cell's `full.*`) are memoised. */
const MEMO_DEPTH = 2;

/** The patches that turn `before` into `after` (both plain JSON data). */
export function diff(before: unknown, after: unknown, memo?: DiffMemo): Patch[] {
  const out: Patch[] = [];
  walk(before, after, [], out, 0, memo);
  return out;
}

/** `path` is shared and restored after each step; it is copied only into emitted patches. */
function walk(
  a: unknown,
  b: unknown,
  path: Path,
  out: Patch[],
  depth: number,
  memo: DiffMemo | undefined,
): void {
  if (a === b) return;
  const objects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (memo && objects && depth > 0 && depth <= MEMO_DEPTH) {
    // Keyed by `before` alone: in one push every view is diffed to the same state, so a
    // `before` meets one `after` (another one is simply compared, and replaces the entry).
    const known = memo.get(a);
    if (known?.after === b) {
      for (const p of known.patches) {
        out.push({ ...p, path: [...path, ...p.path.slice(known.prefix)] });
      }
      return;
    }
    const start = out.length;
    compare(a, b, path, out, depth, memo);
    memo.set(a, { after: b, prefix: path.length, patches: out.slice(start) });
    return;
  }
  compare(a, b, path, out, depth, memo);
}

function compare(
  a: unknown,
  b: unknown,
  path: Path,
  out: Patch[],
  depth: number,
  memo: DiffMemo | undefined,
): void {
  if (isRecord(a) && isRecord(b)) {
    // for-in, not Object.keys: no array per object compared (the values are plain data).
    for (const key in a) {
      if (a[key] !== undefined && (!Object.hasOwn(b, key) || b[key] === undefined)) {
        out.push({ op: 'remove', path: [...path, key] });
      }
    }
    for (const key in b) {
      const bv = b[key];
      if (bv === undefined) continue;
      const av = Object.hasOwn(a, key) ? a[key] : undefined;
      if (av === bv) continue;
      path.push(key);
      if (av === undefined) out.push({ op: 'add', path: path.slice(), value: bv });
      else walk(av, bv, path, out, depth + 1, memo);
      path.pop();
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    // A list the engine only appended to starts with the very entries it had: skip them.
    for (let i = grewFrom(b, a) ? common : 0; i < common; i++) {
      const av: unknown = a[i];
      const bv: unknown = b[i];
      if (av === bv) continue;
      path.push(i);
      walk(av ?? null, bv ?? null, path, out, depth + 1, memo);
      path.pop();
    }
    for (let i = a.length - 1; i >= b.length; i--) out.push({ op: 'remove', path: [...path, i] });
    for (let i = a.length; i < b.length; i++) {
      out.push({ op: 'add', path: [...path, i], value: b[i] ?? null });
    }
    return;
  }
  if (a !== b) out.push({ op: 'replace', path: path.slice(), value: b });
}

/**
 * `JSON.stringify(patches)`, byte for byte, with the JSON of each object value made once per
 * `texts`: one push sends the same new parts of the state (a turn's factor history entry, say)
 * in every role's patch, and turning their numbers into text was a sixth of the session
 * thread's work (bench:instructions -- --sessions).
 */
export function patchesJson(patches: readonly Patch[], texts: Map<object, string>): string {
  let out = '';
  for (const p of patches) {
    out += `${out === '' ? '' : ','}{"op":"${p.op}","path":${JSON.stringify(p.path)}`;
    out += p.value === undefined ? '}' : `,"value":${valueJson(p.value, texts)}}`;
  }
  return `[${out}]`;
}

function valueJson(value: unknown, texts: Map<object, string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/**
 * Applies patches without changing `base`: every object on a patched path is copied once,
 * everything else is shared. Throws on a path that does not exist (the caller resyncs).
 */
export function applyPatches<T>(base: T, patches: readonly Patch[]): T {
  const fresh = new WeakSet<object>();
  const own = <C extends object>(c: C): C => {
    if (fresh.has(c)) return c;
    const copy = (Array.isArray(c) ? c.slice() : { ...c }) as C;
    fresh.add(copy);
    return copy;
  };
  let root: unknown = base;
  for (const patch of patches) {
    const { path, op } = patch;
    if (path.length === 0) {
      if (op === 'remove') throw new Error('cannot remove the root');
      root = patch.value;
      continue;
    }
    if (root === null || typeof root !== 'object') throw new Error('patch path not found');
    root = own(root);
    let parent = root as Json | unknown[];
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as string | number;
      const child = readKey(parent, key);
      if (child === null || typeof child !== 'object') {
        throw new Error(`patch path not found: ${path.slice(0, i + 1).join('/')}`);
      }
      const copy = own(child);
      writeKey(parent, key, copy);
      parent = copy as Json | unknown[];
    }
    const last = path[path.length - 1] as string | number;
    if (Array.isArray(parent)) {
      if (typeof last !== 'number' || last > parent.length) throw new Error('bad array index');
      if (op === 'add') parent.splice(last, 0, patch.value);
      else if (op === 'remove') parent.splice(last, 1);
      else parent[last] = patch.value;
    } else if (op === 'remove') {
      delete parent[String(last)];
    } else {
      writeKey(parent, last, patch.value);
    }
  }
  return root as T;
}

function readKey(container: Json | unknown[], key: string | number): unknown {
  if (Array.isArray(container)) return typeof key === 'number' ? container[key] : undefined;
  const k = String(key);
  return Object.hasOwn(container, k) ? container[k] : undefined;
}

function writeKey(container: Json | unknown[], key: string | number, value: unknown): void {
  if (Array.isArray(container)) {
    if (typeof key !== 'number') throw new Error('bad array index');
    container[key] = value;
    return;
  }
  // defineProperty: a key named __proto__ becomes data, never the prototype.
  Object.defineProperty(container, String(key), {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
