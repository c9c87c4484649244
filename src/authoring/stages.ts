/**
 * The phase states ("stages", e.g. `mandate.unsc.voting`) an exercise of a given scenario can
 * rest in between two commands, derived from the engine's machines so that a state added to a
 * machine shows up here (and in `ttx check` coverage and `ttx graph`) without a change.
 */
import type { AnyStateMachine } from 'xstate';
import { deploymentMachine } from '../../engine/machines/deployment.js';
import { exerciseMachine } from '../../engine/machines/exercise.js';
import { forceGenerationMachine } from '../../engine/machines/force-generation.js';
import { mandateMachine } from '../../engine/machines/mandate.js';
import type { Scenario } from '../../engine/index.js';

/** The phase machines, by the name the exercise machine gives their state. */
export const PHASE_MACHINES = {
  mandate: mandateMachine,
  forceGeneration: forceGenerationMachine,
  deployment: deploymentMachine,
} as const satisfies Record<string, AnyStateMachine>;

export { exerciseMachine };

/** A state node as far as this module reads it (xstate's StateNode, loosely typed). */
interface NodeLike {
  readonly key: string;
  readonly type: string;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly always?: readonly { readonly guard?: unknown }[];
}

export interface LeafState {
  /** Dotted path inside its machine, e.g. `unsc.voting`. */
  readonly path: string;
  readonly final: boolean;
  /** Left at once on entry whatever the context (an unguarded `always` transition). */
  readonly transient: boolean;
  /** Left at once on entry when its guard holds (a guarded `always`). */
  readonly guardedExit: boolean;
}

/** The atomic states of a machine in document order. */
export function leafStates(machine: AnyStateMachine): LeafState[] {
  const out: LeafState[] = [];
  const walk = (node: NodeLike, prefix: string): void => {
    const children = Object.values(node.states);
    if (children.length === 0) {
      const always = node.always ?? [];
      out.push({
        path: prefix,
        final: node.type === 'final',
        transient: always.some((t) => t.guard === undefined),
        guardedExit: always.length > 0,
      });
      return;
    }
    for (const child of children) walk(child, prefix === '' ? child.key : `${prefix}.${child.key}`);
  };
  walk(machine.root, '');
  return out;
}

/**
 * States the engine leaves within the step that enters them, whatever the scenario: force
 * generation is activated in the same step as the mandate completes.
 */
const PASSED_THROUGH = new Set(['forceGeneration.activation']);

/** Every stage the engine can report, in the order an exercise runs through them. */
export function allStages(): string[] {
  const out: string[] = [];
  for (const leaf of leafStates(exerciseMachine)) {
    const phase = /^running\.(\w+)$/.exec(leaf.path)?.[1];
    const machine =
      phase === undefined ? undefined : PHASE_MACHINES[phase as keyof typeof PHASE_MACHINES];
    if (!machine) {
      out.push(leaf.path);
      continue;
    }
    for (const inner of leafStates(machine)) {
      // A phase machine's final state hands over to the exercise machine in the same step.
      if (inner.final || inner.transient) continue;
      out.push(`${phase}.${inner.path}`);
    }
  }
  return out.filter((s) => !PASSED_THROUGH.has(s));
}

/**
 * The stages an exercise of `sc` can be seen in between commands: no Security Council stages
 * without a `unsc` block, no broken silence when a single circulation is allowed (the mandate
 * fails in the same step).
 */
export function expectedStages(sc: Scenario): string[] {
  return allStages().filter((stage) => {
    if (stage.startsWith('mandate.unsc.') && sc.unsc === undefined) return false;
    if (stage === 'mandate.nac.broken' && sc.nac.maxCirculations <= 1) return false;
    return true;
  });
}

/** Stages where a run waits on the scenario's dice rather than on a decision or the clock. */
export const WAITING_STAGES = new Set([
  'deployment.operations',
  'deployment.transition',
  'deployment.redeployment',
]);

/** Rank of a stage in the run order (unknown stages rank last). */
export function stageRank(stages: readonly string[], stage: string): number {
  const i = stages.indexOf(stage);
  return i < 0 ? stages.length : i;
}
