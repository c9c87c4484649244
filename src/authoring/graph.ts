/**
 * `ttx graph`: the phase machines as the scenario configures them, and the scenario's event
 * dependencies, as Mermaid (to paste into Markdown) or Graphviz DOT.
 *
 * The phase diagram is read from the engine's XState machines, so it cannot drift from what
 * runs: every state and transition, with guards in the scenario's own numbers (e.g. "drafts
 * < 2"), and transitions the scenario rules out (acting without a mandate when it is not
 * allowed, the Security Council when there is none) left out.
 */
import type { Scenario, ScenarioEventDef } from '../../engine/index.js';
import { describeConditions } from './conditions.js';
import { exerciseMachine, PHASE_MACHINES } from './stages.js';

/** A state of the diagram: a leaf, or a composite with children. */
export interface GraphState {
  readonly id: string;
  readonly label: string;
  readonly children: readonly GraphState[];
  /** Id of the initial child of a composite. */
  readonly initial?: string;
  readonly final: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export interface PhaseGraph {
  readonly root: readonly GraphState[];
  readonly initial: string;
  readonly edges: readonly GraphEdge[];
}

/** A state node as this module reads it (xstate's StateNode, loosely typed). */
interface NodeLike {
  readonly key: string;
  readonly type: string;
  readonly path: readonly string[];
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly initial?: { readonly target: readonly NodeLike[] };
  readonly on: Readonly<Record<string, readonly TransitionLike[]>>;
  readonly always?: readonly TransitionLike[];
}

interface TransitionLike {
  readonly target?: readonly NodeLike[];
  readonly guard?: unknown;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** What makes each machine event happen, in the words of the scenario and the commands. */
function eventLabel(sc: Scenario, event: string): string {
  const d = sc.deployment;
  const labels: Record<string, string> = {
    START: 'start',
    COLLAPSE: 'a failure condition holds',
    TIMEOUT: `turn ${sc.clock.maxTurns} ends`,
    MANDATE_DONE: 'mandate decided',
    FORCES_DONE: 'force generation decided',
    DEPLOYMENT_DONE: 'redeployed',
    DRAFT: 'draftResolution',
    VOTE_TALLIED: 'vote tallied',
    PROCEED_WITHOUT_MANDATE: 'proceedWithoutMandate',
    CIRCULATE: 'circulate',
    OBJECTION: 'breakSilence',
    DEADLINE: 'silence holds to the deadline',
    APPROVALS_DONE: 'every nation decided',
    ABANDON: 'abandon',
    ACTIVATE: 'activation',
    CLOSE_ROUND: 'pledge round closes',
    REASK: 'reask',
    ACCEPT_GAPS: 'acceptGaps',
    TRANSFER_AUTHORITY: 'transferAuthority',
    RSOM_PROGRESS: 'lift and RSOM',
    CONDITIONS_MET: `end state held ${sc.endConditions.success.forTurns} turn(s)`,
    HANDOVER_COMPLETE: `${d.transitionTurns} turn(s) of handover`,
    REDEPLOYED: `${d.redeploymentTurns} turn(s) of redeployment`,
  };
  return labels[event] ?? event;
}

/**
 * A guard in the scenario's numbers; null when the scenario rules the transition out.
 * Unnamed (inline) guards are described by where they sit.
 */
function guardLabel(sc: Scenario, machine: string, guard: unknown, at: string): string | null {
  const name = typeof guard === 'string' ? guard : (guard as { type?: unknown } | null)?.type;
  if (guard === undefined) return '';
  const unsc = sc.unsc;
  switch (name) {
    case 'hasUn':
      return unsc ? 'a UNSC mandate is sought' : null;
    case 'draftsLeft':
      return `drafts < ${unsc?.maxDrafts ?? 1}`;
    case 'adopted':
      return '9 yes, no veto';
    case 'mayActWithoutMandate':
      return unsc?.withoutMandate.allowed
        ? `legitimacy −${unsc.withoutMandate.legitimacyCost}`
        : null;
    case 'circulationsLeft':
      return `circulations < ${sc.nac.maxCirculations}`;
    case 'someoneApproved':
      return 'a nation approved';
    case 'noGaps':
      return 'no gaps';
    case 'roundsLeft':
      return `round < ${sc.forceGeneration.maxRounds}`;
    case 'noCriticalGaps':
      return 'no critical gap';
    case 'iocReached':
      return `${pct(sc.deployment.iocFraction)} in theatre`;
    case 'rsomComplete':
      return 'all in theatre';
    case 'ok':
      return 'succeeded';
    case 'partial':
      return 'in operations';
    default:
      if (machine === 'mandate' && at === 'nac.broken')
        return `circulations = ${sc.nac.maxCirculations}`;
      return typeof name === 'string' ? name : 'guarded';
  }
}

const safeId = (s: string): string => s.replace(/[^A-Za-z0-9]/g, '_');

/** The phase machines as one diagram of states and transitions, for `sc`. */
export function phaseGraph(sc: Scenario): PhaseGraph {
  const edges: GraphEdge[] = [];
  const idOf = (machine: string, path: readonly string[]): string =>
    safeId(machine === 'exercise' ? path.join('.') : [machine, ...path].join('.'));

  const skip = (machine: string, path: readonly string[]): boolean =>
    machine === 'mandate' && path[0] === 'unsc' && sc.unsc === undefined;

  const walk = (machine: string, node: NodeLike): GraphState[] =>
    Object.values(node.states).flatMap((child) => {
      if (skip(machine, child.path)) return [];
      const id = idOf(machine, child.path);
      const sub =
        machine === 'exercise' && child.path[0] === 'running'
          ? (PHASE_MACHINES as Record<string, { root: unknown }>)[child.key]
          : undefined;
      for (const [event, transitions] of Object.entries(child.on)) {
        addEdges(machine, child, transitions, eventLabel(sc, event));
      }
      if (child.always) addEdges(machine, child, child.always, 'at once');
      if (sub) {
        const root = sub.root as NodeLike;
        const children = walk(child.key, root);
        return [
          {
            id,
            label: child.key,
            children,
            initial: initialOf(child.key, root),
            final: false,
          },
        ];
      }
      const children = walk(machine, child);
      const initialTarget = child.initial?.target[0];
      return [
        {
          id,
          label: child.key,
          children,
          ...(initialTarget ? { initial: idOf(machine, initialTarget.path) } : {}),
          final: child.type === 'final',
        },
      ];
    });

  /** The initial child of a phase machine, skipping its transient start state. */
  const initialOf = (machine: string, root: NodeLike): string => {
    let node = root.initial?.target[0];
    while (node?.always) {
      const next = node.always.find(
        (t) => guardLabel(sc, machine, t.guard, node!.path.join('.')) !== null,
      );
      node = next?.target?.[0];
    }
    return node ? idOf(machine, node.path) : '';
  };

  function addEdges(
    machine: string,
    from: NodeLike,
    transitions: readonly TransitionLike[],
    what: string,
  ): void {
    for (const t of transitions) {
      const target = t.target?.[0];
      if (!target || skip(machine, target.path)) continue;
      const guard = guardLabel(sc, machine, t.guard, from.path.join('.'));
      if (guard === null) continue;
      edges.push({
        from: idOf(machine, from.path),
        to: idOf(machine, target.path),
        label: guard ? `${what} (${guard})` : what,
      });
    }
  }

  const root = walk('exercise', exerciseMachine.root as NodeLike);
  // A phase machine's transient start state (mandate.start) is not drawn; edges from it neither.
  const drawn = new Set<string>();
  const collect = (s: GraphState): void => {
    drawn.add(s.id);
    s.children.forEach(collect);
  };
  root.forEach(collect);
  const transient = new Set<string>(['mandate_start']);
  return {
    root: prune(root, transient),
    initial: 'setup',
    edges: edges.filter((e) => drawn.has(e.from) && drawn.has(e.to) && !transient.has(e.from)),
  };
}

function prune(states: readonly GraphState[], drop: ReadonlySet<string>): GraphState[] {
  return states
    .filter((s) => !drop.has(s.id))
    .map((s) => ({ ...s, children: prune(s.children, drop) }));
}

// ---------------------------------------------------------------------------------------
// Event dependencies

export interface EventGraph {
  readonly nodes: readonly { id: string; label: string; kind: 'event' | 'phase' | 'end' }[];
  readonly edges: readonly (GraphEdge & { style: 'solid' | 'dashed' })[];
}

function triggerText(e: ScenarioEventDef): string {
  const t = e.trigger;
  if (t.hipPocket) return 'hip pocket: the white cell fires it';
  const parts: string[] = [];
  if (t.turn !== undefined) parts.push(`turn ${t.turn}`);
  if (t.phase !== undefined) parts.push(t.phase);
  const when = (t.when ?? []).filter((c) => c.fired === undefined && c.notFired === undefined);
  if (when.length) parts.push(describeConditions(when));
  if (t.chance !== undefined) parts.push(`${pct(t.chance)} a turn`);
  if (t.repeat > 1) parts.push(`up to ${t.repeat}×`);
  return parts.join(', ') || 'at the start';
}

/** Events, the phases and events their triggers wait for, and the factors they move. */
export function eventGraph(sc: Scenario): EventGraph {
  const nodes: EventGraph['nodes'][number][] = [];
  const edges: (GraphEdge & { style: 'solid' | 'dashed' })[] = [];
  const phases = new Set<string>();
  for (const e of sc.events) {
    nodes.push({ id: safeId(`ev_${e.id}`), label: `${e.id}: ${triggerText(e)}`, kind: 'event' });
  }
  const moves = (e: ScenarioEventDef): Map<string, number> => {
    const m = new Map<string, number>();
    for (const eff of [e.effects.always, e.effects.success, e.effects.failure]) {
      for (const [f, d] of Object.entries(eff?.factors ?? {}))
        m.set(f, (m.get(f) ?? 0) + Math.sign(d));
    }
    return m;
  };
  for (const e of sc.events) {
    const to = safeId(`ev_${e.id}`);
    const phase = e.trigger.phase ?? e.trigger.when?.find((c) => c.phase !== undefined)?.phase;
    if (phase !== undefined && !e.trigger.hipPocket) {
      phases.add(phase);
      edges.push({ from: safeId(`phase_${phase}`), to, label: 'during', style: 'solid' });
    }
    for (const c of e.trigger.when ?? []) {
      if (c.fired !== undefined)
        edges.push({ from: safeId(`ev_${c.fired}`), to, label: 'after', style: 'solid' });
      if (c.notFired !== undefined)
        edges.push({ from: safeId(`ev_${c.notFired}`), to, label: 'unless', style: 'dashed' });
      if (c.factor !== undefined) {
        for (const other of sc.events) {
          if (other.id === e.id) continue;
          const dir = moves(other).get(c.factor);
          if (!dir) continue;
          const helps = (c.atLeast !== undefined && dir > 0) || (c.below !== undefined && dir < 0);
          edges.push({
            from: safeId(`ev_${other.id}`),
            to,
            label: `${c.factor} ${dir > 0 ? '↑' : '↓'} ${helps ? 'helps' : 'hinders'}`,
            style: 'dashed',
          });
        }
      }
    }
  }
  const ends: [string, readonly { fired?: string | undefined; notFired?: string | undefined }[]][] =
    [
      ['success', sc.endConditions.success.all],
      ['failure', sc.endConditions.failure],
    ];
  for (const [end, conds] of ends) {
    const refs = conds.filter((c) => c.fired !== undefined || c.notFired !== undefined);
    if (refs.length === 0) continue;
    nodes.push({
      id: `end_${end}`,
      label: end === 'success' ? 'end state (success)' : 'failure',
      kind: 'end',
    });
    for (const c of refs) {
      if (c.fired !== undefined)
        edges.push({
          from: safeId(`ev_${c.fired}`),
          to: `end_${end}`,
          label: 'after',
          style: 'solid',
        });
      if (c.notFired !== undefined)
        edges.push({
          from: safeId(`ev_${c.notFired}`),
          to: `end_${end}`,
          label: 'unless',
          style: 'dashed',
        });
    }
  }
  for (const p of phases) nodes.unshift({ id: safeId(`phase_${p}`), label: p, kind: 'phase' });
  return { nodes, edges };
}

// ---------------------------------------------------------------------------------------
// Rendering

const quote = (s: string): string => s.replace(/"/g, "'");

/** Both diagrams as Markdown with Mermaid blocks. */
export function toMermaid(sc: Scenario): string {
  const g = phaseGraph(sc);
  const out: string[] = [`## ${sc.title}: phases`, '', '```mermaid', 'stateDiagram-v2'];
  out.push(`  [*] --> ${g.initial}`);
  const state = (s: GraphState, indent: string): void => {
    if (s.children.length === 0) {
      out.push(`${indent}state "${quote(s.label)}" as ${s.id}`);
      if (s.final) out.push(`${indent}${s.id} --> [*]`);
      return;
    }
    out.push(`${indent}state "${quote(s.label)}" as ${s.id} {`);
    if (s.initial) out.push(`${indent}  [*] --> ${s.initial}`);
    for (const c of s.children) state(c, `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const s of g.root) state(s, '  ');
  for (const e of g.edges)
    out.push(`  ${e.from} --> ${e.to} : ${quote(e.label).replace(/:/g, ' ')}`);
  out.push('```', '');
  const ev = eventGraph(sc);
  out.push(`## ${sc.title}: events`, '', '```mermaid', 'flowchart LR');
  if (ev.nodes.length === 0) out.push('  none["no events"]');
  for (const n of ev.nodes) {
    const label = quote(n.label);
    out.push(
      n.kind === 'phase'
        ? `  ${n.id}(["${label}"])`
        : n.kind === 'end'
          ? `  ${n.id}{{"${label}"}}`
          : `  ${n.id}["${label}"]`,
    );
  }
  for (const e of ev.edges) {
    const arrow = e.style === 'dashed' ? '-.->' : '-->';
    out.push(`  ${e.from} ${arrow}|"${quote(e.label)}"| ${e.to}`);
  }
  out.push('```', '');
  return out.join('\n');
}

/** Both diagrams as Graphviz DOT (two graphs). */
export function toDot(sc: Scenario): string {
  const g = phaseGraph(sc);
  const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const out: string[] = [
    `digraph phases {`,
    `  label=${q(`${sc.title}: phases`)}; labelloc=t; rankdir=LR; compound=true;`,
    '  node [shape=box, style=rounded];',
    '  start [shape=point];',
    `  start -> ${g.initial};`,
  ];
  // A composite is a cluster; edges to or from it attach to its initial leaf.
  const entry = new Map<string, string>();
  const leafOf = (s: GraphState): string => {
    if (s.children.length === 0) return s.id;
    const init = s.children.find((c) => c.id === s.initial) ?? s.children[0];
    return init ? leafOf(init) : s.id;
  };
  const cluster = (s: GraphState, indent: string): void => {
    entry.set(s.id, leafOf(s));
    if (s.children.length === 0) {
      out.push(`${indent}${s.id} [label=${q(s.label)}${s.final ? ', peripheries=2' : ''}];`);
      return;
    }
    out.push(`${indent}subgraph cluster_${s.id} {`, `${indent}  label=${q(s.label)};`);
    for (const c of s.children) cluster(c, `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const s of g.root) cluster(s, '  ');
  const isCluster = (id: string): boolean => entry.get(id) !== id;
  for (const e of g.edges) {
    const attrs = [`label=${q(e.label)}`];
    if (isCluster(e.from)) attrs.push(`ltail=cluster_${e.from}`);
    if (isCluster(e.to)) attrs.push(`lhead=cluster_${e.to}`);
    out.push(
      `  ${entry.get(e.from) ?? e.from} -> ${entry.get(e.to) ?? e.to} [${attrs.join(', ')}];`,
    );
  }
  out.push('}', '');
  const ev = eventGraph(sc);
  out.push(`digraph events {`, `  label=${q(`${sc.title}: events`)}; labelloc=t; rankdir=LR;`);
  for (const n of ev.nodes) {
    const shape = n.kind === 'phase' ? 'ellipse' : n.kind === 'end' ? 'hexagon' : 'box';
    out.push(`  ${n.id} [label=${q(n.label)}, shape=${shape}];`);
  }
  for (const e of ev.edges) {
    out.push(
      `  ${e.from} -> ${e.to} [label=${q(e.label)}${e.style === 'dashed' ? ', style=dashed' : ''}];`,
    );
  }
  out.push('}', '');
  return out.join('\n');
}
