/**
 * `ttx graph <scenario.yaml> [--format mermaid|dot]`: the phase machines as the scenario
 * configures them, and its event dependencies, as Markdown with Mermaid diagrams (default)
 * or as Graphviz DOT.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { EXIT, raiseExit, type CliContext } from '../context.js';

export function registerGraph(program: Command, ctx: CliContext): void {
  program
    .command('graph')
    .description('draw the phase machines and the event dependencies of a scenario')
    .argument('<scenario>', 'scenario file (.yaml)')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['mermaid', 'dot'])
        .default('mermaid'),
    )
    .action(async (file: string, opts: { format: 'mermaid' | 'dot' }) => {
      // Loaded here, not at the top: `ttx` loads only what the command it runs needs.
      const [{ toDot, toMermaid }, { formatIssue, loadScenarioFile }] = await Promise.all([
        import('../../authoring/graph.js'),
        import('../../scenario/load.js'),
      ]);
      const loaded = loadScenarioFile(file);
      if (!loaded.ok) {
        for (const e of loaded.errors) ctx.io.err(`${formatIssue(e)}\n`);
        raiseExit(ctx, EXIT.invalid);
        return;
      }
      ctx.io.out(opts.format === 'dot' ? toDot(loaded.scenario) : toMermaid(loaded.scenario));
    });
}
