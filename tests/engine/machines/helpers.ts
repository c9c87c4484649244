/**
 * Shared helpers for the machine tests: the leaf state nodes of a machine, derived from its
 * definition, and a coverage check of reached state values against them. Kept independent of
 * engine/machines/drive.ts so that drive.ts is itself under test, not a test dependency.
 */
import type { AnyStateMachine, AnyStateNode, StateValue } from 'xstate';
import { getStateNodes } from 'xstate/graph';

/** Dotted leaf paths of a state value ("unsc.voting"); several for parallel values. */
export function leafPaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) out.push(prefix + key);
    else out.push(...leafPaths(child, `${prefix}${key}.`));
  }
  return out;
}

/** The single leaf path of a non-parallel state value. */
export function label(value: StateValue): string {
  const paths = leafPaths(value);
  if (paths.length !== 1) throw new Error(`expected one active leaf, got ${paths.join(', ')}`);
  return paths[0] ?? '';
}

const pathOf = (node: AnyStateNode): string => node.path.join('.');

/** Every leaf (atomic or final) state node of the machine, by dotted path. */
export function leafNodes(machine: AnyStateMachine): AnyStateNode[] {
  return getStateNodes(machine.root).filter((n) => n.type === 'atomic' || n.type === 'final');
}

/**
 * A transient leaf has an unguarded eventless (`always`) transition: the machine passes
 * through it inside a macrostep and can never rest in it, so no snapshot shows it.
 */
export function isTransient(node: AnyStateNode): boolean {
  return (node.always ?? []).some((t) => t.guard === undefined);
}

export interface Coverage {
  /** Leaf paths that no reached snapshot rests in and no reached transition enters. */
  readonly missing: string[];
  /** Reached values that are not leaf paths of the machine (a helper or machine defect). */
  readonly unknown: string[];
  /** Transient leaves, covered when a reached state (or the initial state) enters them. */
  readonly transient: string[];
}

/**
 * Compares the leaves of reached state values with the leaves of the machine definition.
 * Stable leaves must be rested in; transient leaves must be the initial child of a reached
 * parent (or the root) or the target of a transition of some reached state node.
 */
export function coverage(machine: AnyStateMachine, reached: Iterable<StateValue>): Coverage {
  const leaves = leafNodes(machine);
  const byPath = new Map(getStateNodes(machine.root).map((n) => [pathOf(n), n]));
  const reachedLeaves = new Set<string>();
  for (const v of reached) for (const p of leafPaths(v)) reachedLeaves.add(p);

  const reachedNodes = new Set<AnyStateNode>([machine.root]);
  for (const p of reachedLeaves) {
    for (let n = byPath.get(p); n !== undefined; n = n.parent) reachedNodes.add(n);
  }
  const entered = (t: AnyStateNode): boolean => {
    const parent = t.parent;
    if (parent !== undefined && reachedNodes.has(parent) && parent.initial.target.includes(t)) {
      return true;
    }
    for (const n of reachedNodes) {
      const all = [...n.transitions.values()].flat().concat(n.always ?? []);
      if (all.some((tr) => tr.target?.includes(t) === true)) return true;
    }
    return false;
  };

  const missing: string[] = [];
  const transient: string[] = [];
  for (const leaf of leaves) {
    if (isTransient(leaf)) {
      transient.push(pathOf(leaf));
      if (!entered(leaf)) missing.push(pathOf(leaf));
    } else if (!reachedLeaves.has(pathOf(leaf))) {
      missing.push(pathOf(leaf));
    }
  }
  const known = new Set(leaves.map(pathOf));
  const unknown = [...reachedLeaves].filter((p) => !known.has(p));
  return { missing, unknown, transient };
}

/** Counts how often each named branch of a property was exercised. */
export class Tally {
  private readonly counts = new Map<string, number>();
  hit(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}
