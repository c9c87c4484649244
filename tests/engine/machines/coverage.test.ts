/**
 * The reachability check used by the machine tests must be able to fail: a machine with an
 * orphan state, or a transient state that nothing enters, is reported as missing.
 */
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { coverage, leafNodes, leafPaths } from './helpers.js';

const withOrphans = createMachine({
  id: 'orphans',
  initial: 'a',
  states: {
    a: { on: { GO: 'b.one' } },
    b: {
      initial: 'one',
      states: { one: { on: { NEXT: 'two' } }, two: {}, orphan: {} },
    },
    route: { always: 'a' },
    guarded: { always: { guard: () => false, target: 'a' } },
    done: { type: 'final' },
  },
});

describe('coverage helper', () => {
  it('lists leaves from the definition, including final and transient ones', () => {
    expect(leafNodes(withOrphans).map((n) => n.path.join('.'))).toEqual([
      'a',
      'b.one',
      'b.two',
      'b.orphan',
      'route',
      'guarded',
      'done',
    ]);
    expect(leafPaths({ x: { y: 'z' }, w: 'v' })).toEqual(['x.y.z', 'w.v']);
  });

  it('reports unreachable stable and transient leaves as missing', () => {
    const reached = getShortestPaths(withOrphans, {
      events: [{ type: 'GO' }, { type: 'NEXT' }],
    }).map((p) => p.state.value);
    const cov = coverage(withOrphans, reached);
    expect(cov.transient).toEqual(['route']);
    expect(cov.missing).toEqual(['b.orphan', 'route', 'guarded', 'done']);
    expect(cov.unknown).toEqual([]);
  });

  it('reports values that are not leaves of the machine as unknown', () => {
    expect(coverage(withOrphans, ['a', 'nowhere', { b: 'three' }]).unknown).toEqual([
      'nowhere',
      'b.three',
    ]);
  });
});
