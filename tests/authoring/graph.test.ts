/**
 * `ttx graph`: the phase diagram is read from the machines (every stage an exercise can be in
 * is drawn, every edge joins drawn states), shows the scenario's own numbers, and leaves out
 * what the scenario rules out; the event diagram follows the triggers.
 */
import { describe, expect, it } from 'vitest';
import {
  eventGraph,
  phaseGraph,
  toDot,
  toMermaid,
  type GraphState,
} from '../../src/authoring/graph.js';
import { expectedStages } from '../../src/authoring/stages.js';
import { main } from '../../src/cli/main.js';
import { bundled, bundledScenario } from '../helpers/scenarios.js';

const ids = (states: readonly GraphState[]): string[] =>
  states.flatMap((s) => [s.id, ...ids(s.children)]);

async function ttx(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'ttx', ...args], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

describe('ttx graph', () => {
  it.each(bundled().map((b) => b.name))(
    '%s: every stage is drawn and every edge joins drawn states',
    (name) => {
      const sc = bundledScenario(name);
      const g = phaseGraph(sc);
      const drawn = new Set(ids(g.root));
      for (const stage of expectedStages(sc)) {
        // running.mandate's leaves are drawn as mandate_…; ended.x as ended_x.
        expect(drawn, stage).toContain(stage.replace(/\./g, '_'));
      }
      for (const e of g.edges) {
        expect(drawn, e.from).toContain(e.from);
        expect(drawn, e.to).toContain(e.to);
      }
      const ev = eventGraph(sc);
      const nodes = new Set(ev.nodes.map((n) => n.id));
      for (const e of ev.edges) {
        expect(nodes).toContain(e.from);
        expect(nodes).toContain(e.to);
      }
      expect(ev.nodes.filter((n) => n.kind === 'event')).toHaveLength(sc.events.length);
    },
  );

  it('shows the scenario’s numbers and leaves out what it rules out', () => {
    const tutorial = toMermaid(bundledScenario('tutorial'));
    expect(tutorial).toContain(
      'mandate_unsc_drafting --> mandate_unsc_voting : draftResolution (drafts < 2)',
    );
    expect(tutorial).toContain('running --> ended_partial : turn 20 ends (in operations)');
    expect(tutorial).not.toContain('proceedWithoutMandate'); // not allowed in the tutorial
    expect(tutorial).toContain('ev_militiaAmbush -->|"after"| ev_ceasefire');
    expect(tutorial).toContain('ev_backChannel -.->|"unless"| ev_ceasefire');
    const kosovo = toMermaid(bundledScenario('kosovo-1999'));
    expect(kosovo).toContain(
      'mandate_unsc_blocked --> mandate_nac : proceedWithoutMandate (legitimacy −0.2)',
    );
    // Without a Security Council block, the mandate starts at the NAC.
    const noUn = phaseGraph({ ...bundledScenario('tutorial'), unsc: undefined });
    expect(ids(noUn.root).some((id) => id.startsWith('mandate_unsc'))).toBe(false);
    const mandate = noUn.root.flatMap((s) => s.children).find((s) => s.id === 'running_mandate');
    expect(mandate?.initial).toBe('mandate_nac');
  });

  it('prints Markdown with Mermaid by default, DOT on request, and rejects other formats', async () => {
    const md = await ttx('graph', 'scenarios/tutorial.yaml');
    expect(md.code).toBe(0);
    expect(md.out.match(/^```mermaid$/gm)).toHaveLength(2);
    expect(md.out).toMatch(/^stateDiagram-v2$/m);
    expect(md.out).toMatch(/^flowchart LR$/m);
    const dot = await ttx('graph', 'scenarios/tutorial.yaml', '--format', 'dot');
    expect(dot.code).toBe(0);
    expect(dot.out).toMatch(/^digraph phases \{$/m);
    expect(dot.out).toMatch(/^digraph events \{$/m);
    expect(dot.out.split('{').length).toBe(dot.out.split('}').length);
    expect(dot.out).toBe(toDot(bundledScenario('tutorial')));
    const bad = await ttx('graph', 'scenarios/tutorial.yaml', '--format', 'png');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/png/);
  });
});
