import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SCENARIO_SCHEMA_PATH,
  buildScenarioJsonSchema,
  renderScenarioJsonSchema,
} from '../../src/scenario/emit-json-schema.js';

describe('scenarios/scenario.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema` to regenerate)', () => {
    expect(readFileSync(SCENARIO_SCHEMA_PATH, 'utf8')).toBe(renderScenarioJsonSchema());
  });

  it('describes the input an author writes: defaulted fields are optional', () => {
    const schema = buildScenarioJsonSchema() as {
      $schema: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required.sort()).toEqual(
      [
        'briefing',
        'clock',
        'deployment',
        'endConditions',
        'factors',
        'forceGeneration',
        'id',
        'schemaVersion',
        'teams',
        'title',
      ].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toContain('$schema');
  });
});
