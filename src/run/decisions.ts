/**
 * Decisions files: scripted team decisions for `ttx run`, in YAML or JSON.
 *
 *   human: [usa]                      # optional: teams no policy plays
 *   decisions:
 *     - { turn: 1, by: team:usa, type: draftResolution, chapter: VI }
 *     - { turn: 4, by: team:deu, type: pledge, slot: kfor-mech, units: 2, caveats: [noNightOps] }
 *
 * Every problem is reported as `file:line:col message`.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { parseCommand } from '../../engine/index.js';
import type { Decisions, ScheduledDecision } from './headless.js';

export class DecisionsFileError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'DecisionsFileError';
  }
}

export function loadDecisionsFile(file: string): Decisions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DecisionsFileError([
      `${file}:1:1 cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    ]);
  }
  return parseDecisions(text, file);
}

export function parseDecisions(text: string, file: string): Decisions {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (node: YamlNode | null | undefined): string => {
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length > 0) {
    throw new DecisionsFileError(
      doc.errors.map(
        (e) =>
          `${file}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1} ${e.message.split('\n')[0] ?? ''}`,
      ),
    );
  }
  try {
    doc.toJS({ maxAliasCount: 100 }); // rejects alias bombs before anything expands them
  } catch (err) {
    throw new DecisionsFileError([`${file}:1:1 ${(err as Error).message}`]);
  }
  const root = doc.contents;
  if (!isMap(root))
    throw new DecisionsFileError([
      `${at(root)} a decisions file is a mapping with a 'decisions' list`,
    ]);
  const issues: string[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'human' && key !== 'decisions')
      issues.push(`${at(pair.key)} unknown key '${key}' (expected human, decisions)`);
  }
  const humanNode = root.get('human', true) as YamlNode | undefined;
  const human: string[] = [];
  if (humanNode !== undefined) {
    const value = humanNode.toJSON() as unknown;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      issues.push(`${at(humanNode)} human: a list of team ids`);
    } else human.push(...value);
  }
  const list = root.get('decisions', true) as YamlNode | undefined;
  const decisions: ScheduledDecision[] = [];
  if (!isSeq(list)) {
    issues.push(`${at(list ?? root)} decisions: a list of { turn, by, type, … }`);
  } else {
    list.items.forEach((item, i) => {
      const where = at(item as YamlNode);
      const raw = (item as YamlNode).toJSON() as unknown;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        issues.push(`${where} decisions[${i}]: a mapping { turn, by, type, … }`);
        return;
      }
      const { turn, ...command } = raw as Record<string, unknown>;
      if (typeof turn !== 'number' || !Number.isInteger(turn) || turn < 1) {
        issues.push(`${where} decisions[${i}].turn: a whole number from 1`);
        return;
      }
      const parsed = parseCommand(command);
      if (!parsed.ok) issues.push(`${where} decisions[${i}]: ${parsed.error.message}`);
      else decisions.push({ ...parsed.command, turn });
    });
  }
  if (issues.length) throw new DecisionsFileError(issues);
  return { human, decisions };
}
