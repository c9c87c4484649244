/**
 * docs/protocol.schema.json: the JSON Schema of every frame, generated from the zod schemas
 * in server/protocol.ts so the two cannot drift. `npm run protocol-schema` rewrites it; a test
 * fails when the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ClientFrame, PROTOCOL_VERSION, ServerFrame } from './protocol.js';

export const PROTOCOL_SCHEMA_PATH = fileURLToPath(
  new URL('../docs/protocol.schema.json', import.meta.url),
);

const toSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    reused: 'inline',
  }) as Record<string, unknown>;
  return rest;
};

export function buildProtocolJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `ttx serve WebSocket protocol, version ${PROTOCOL_VERSION}`,
    description:
      'A client sends one frame (a JSON object) per text message; the server sends one frame, ' +
      'or several as an array. Generated from server/protocol.ts by ' +
      '`npm run protocol-schema`; do not edit. See docs/protocol.md.',
    $defs: {
      clientFrame: { description: 'A frame a client sends', ...toSchema(ClientFrame) },
      serverFrame: { description: 'A frame the server sends', ...toSchema(ServerFrame) },
      // ServerMessage in server/protocol.ts; spelled out here to refer to serverFrame, not
      // repeat it.
      serverMessage: {
        description: 'A message the server sends: a frame, or several as an array',
        oneOf: [
          { $ref: '#/$defs/serverFrame' },
          { type: 'array', minItems: 2, items: { $ref: '#/$defs/serverFrame' } },
        ],
      },
    },
    oneOf: [{ $ref: '#/$defs/clientFrame' }, { $ref: '#/$defs/serverMessage' }],
  };
}

export function renderProtocolJsonSchema(): string {
  return `${JSON.stringify(buildProtocolJsonSchema(), null, 2)}\n`;
}

const isEntry =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  writeFileSync(PROTOCOL_SCHEMA_PATH, renderProtocolJsonSchema());
  process.stdout.write(`wrote ${PROTOCOL_SCHEMA_PATH}\n`);
}
