import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { appendTo, grewFrom } from '../../engine/fork.js';
import { applyPatches, diff, patchesJson, type DiffMemo } from '../../server/patch.js';

// JSON values as views hold them: records keyed by ids, arrays, numbers, strings, booleans, null.
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    fc.string({ maxLength: 5 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('view patches', () => {
  test.prop([json, json], { numRuns: 500 })(
    'apply(a, diff(a, b)) is b, and a is untouched',
    (a, b) => {
      const before = JSON.stringify(a);
      const patches = diff(a, b);
      expect(applyPatches(a, patches)).toEqual(b);
      expect(JSON.stringify(a)).toBe(before);
      // On the wire, patches survive JSON.
      expect(applyPatches(a, JSON.parse(JSON.stringify(patches)) as typeof patches)).toEqual(b);
    },
  );

  test.prop([json, json], { numRuns: 300 })(
    'a memo shared by several views gives the same patches as none',
    (a, b) => {
      const memo: DiffMemo = new Map();
      const before = { shared: { a }, own: 1, full: { shared: { a } } };
      const after = { shared: { a: b }, own: 2, full: { shared: { a: b } } };
      const other = { shared: after.shared, full: after.full };
      expect(diff(before, after, memo)).toEqual(diff(before, after));
      expect(diff({ shared: before.shared, full: before.full }, other, memo)).toEqual(
        diff({ shared: before.shared, full: before.full }, other),
      );
    },
  );

  test.prop([json, json, json], { numRuns: 300 })(
    'patchesJson is JSON.stringify, byte for byte, when several roles share its texts',
    (a, b, c) => {
      const texts = new Map<object, string>();
      // Two roles' patches in one push: the second reuses the first one's value texts.
      for (const patches of [diff(a, b), diff({ x: a, y: c }, { x: b, y: a }), diff(c, b)]) {
        expect(patchesJson(patches, texts)).toBe(JSON.stringify(patches));
      }
    },
  );

  test.prop(
    [
      fc.array(json, { maxLength: 5 }),
      fc.array(fc.array(json, { maxLength: 3 }), { maxLength: 6 }),
    ],
    {
      numRuns: 100,
    },
  )('a list grown by appendTo alone diffs as one compared in full', (first, steps) => {
    // Generations of an append-only list as steps make them: copied, appended to, frozen.
    const lists: unknown[][] = [Object.freeze([...first]) as unknown[]];
    for (const items of steps) {
      let list = lists[lists.length - 1] as unknown[];
      for (const item of items) list = appendTo(list, item);
      lists.push(Object.freeze(list) as unknown[]);
    }
    const last = lists[lists.length - 1] as unknown[];
    for (const list of lists) {
      expect(grewFrom(last, list)).toBe(true);
      const lookalike = Object.freeze([...list]); // equal entries, no lineage
      expect(grewFrom(last, lookalike)).toBe(false);
      expect(diff({ h: list }, { h: last })).toEqual(diff({ h: lookalike }, { h: last }));
      expect(applyPatches({ h: list }, diff({ h: list }, { h: last }))).toEqual({ h: last });
    }
  });

  it('sees a lineage 16 generations back, and not a sibling of it', () => {
    const generations = [Object.freeze([0]) as number[]];
    for (let g = 1; g <= 20; g++) {
      generations.push(Object.freeze(appendTo(generations[g - 1] ?? [], g)) as number[]);
    }
    const last = generations[20] ?? [];
    expect(generations.map((g) => grewFrom(last, g))).toEqual(
      generations.map((_, g) => g >= 4), // 20 - 16
    );
    const sibling = Object.freeze(appendTo(generations[10] ?? [], -1)) as number[];
    expect(grewFrom(sibling, generations[10] ?? [])).toBe(true);
    expect(grewFrom(last, sibling)).toBe(false);
    expect(grewFrom(sibling, generations[11] ?? [])).toBe(false);
  });

  test.prop([json], { numRuns: 100 })('no change, no patch', (a) => {
    expect(diff(a, JSON.parse(JSON.stringify(a)))).toEqual([]);
  });

  it('shares what did not change and stays small', () => {
    const shared = { big: Array.from({ length: 1000 }, (_, i) => i) };
    const a = { shared, n: { x: 1, y: 2 }, list: [1, 2, 3] };
    const b = { shared, n: { x: 1, y: 3 }, list: [1, 2] };
    const patches = diff(a, b);
    expect(patches).toEqual([
      { op: 'replace', path: ['n', 'y'], value: 3 },
      { op: 'remove', path: ['list', 2] },
    ]);
    const c = applyPatches(a, patches);
    expect(c.shared).toBe(shared);
    expect(c).toEqual(b);
  });

  it('treats undefined as absent, like JSON', () => {
    expect(diff({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
    expect(diff({ a: 1 }, { a: 1, b: undefined })).toEqual([]);
  });

  it('refuses a path that does not exist, and never touches a prototype', () => {
    expect(() => applyPatches({ a: 1 }, [{ op: 'replace', path: ['x', 'y'], value: 1 }])).toThrow();
    const out = applyPatches<Record<string, unknown>>({}, [
      { op: 'add', path: ['__proto__'], value: { polluted: true } },
    ]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
