/**
 * The JSON Schema editors use to complete and check scenario files
 * (`scenarios/scenario.schema.json`), generated from the zod schema so the two cannot drift.
 *
 * Run `npm run schema` to rewrite the file; a test fails when the committed file differs
 * from {@link renderScenarioJsonSchema}. The cross-reference checks (`superRefine`: unknown
 * factors, teams, events …) are not expressible in JSON Schema; `ttx validate` does them.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ScenarioBase } from '../../engine/scenario/schema.js';

/** Where the generated schema is committed. */
export const SCENARIO_SCHEMA_PATH = fileURLToPath(
  new URL('../../scenarios/scenario.schema.json', import.meta.url),
);

/**
 * The JSON Schema (draft-07, the draft editors' YAML tooling supports best) of the input a
 * scenario author writes: fields with defaults are optional.
 */
export function buildScenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ScenarioBase, {
    io: 'input',
    target: 'draft-07',
    unrepresentable: 'throw',
    reused: 'inline',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'ttx scenario',
    description:
      'A tabletop crisis-response exercise scenario for the ttx engine. Generated from ' +
      'engine/scenario/schema.ts by `npm run schema`; do not edit. Cross-references ' +
      '(factor, team, event and resource ids) are checked by `ttx validate`.',
    ...rest,
  };
}

/** The file content: the schema as 2-space-indented JSON with a trailing newline. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(buildScenarioJsonSchema(), null, 2)}\n`;
}

/** Write the schema file (default: {@link SCENARIO_SCHEMA_PATH}). */
export function writeScenarioJsonSchema(path: string = SCENARIO_SCHEMA_PATH): void {
  writeFileSync(path, renderScenarioJsonSchema());
}

const isEntry =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  writeScenarioJsonSchema();
  process.stdout.write(`wrote ${SCENARIO_SCHEMA_PATH}\n`);
}
