/**
 * The command log: a session's durable record, as JSON Lines.
 *
 *   {"ttx":"command-log","format":1,"scenario":{"id","hash","file"},"seed","engineVersion"}
 *   {"seq":1,"command":{"by":"system","type":"start"}}
 *   …
 *   {"end":{"seq":N,"stateHash":"…"}}          (optional: written when a run finishes)
 *
 * State is derived by replay; the trailer's hash proves the replay reached the same state.
 */
import { ENGINE_VERSION, type Command } from '../../engine/index.js';

export interface LogHeader {
  readonly ttx: 'command-log';
  readonly format: 1;
  readonly scenario: { readonly id: string; readonly hash: string; readonly file?: string };
  readonly seed: string;
  readonly engineVersion: string;
}

export interface ParsedLog {
  readonly header: LogHeader;
  readonly commands: readonly unknown[];
  readonly end?: { readonly seq: number; readonly stateHash: string };
}

export class LogFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'LogFormatError';
  }
}

export function logHeader(scenario: LogHeader['scenario'], seed: string): LogHeader {
  return { ttx: 'command-log', format: 1, scenario, seed, engineVersion: ENGINE_VERSION };
}

export function formatLog(
  header: LogHeader,
  commands: readonly Command[],
  end?: { seq: number; stateHash: string },
): string {
  const lines = [JSON.stringify(header)];
  commands.forEach((command, i) => lines.push(JSON.stringify({ seq: i + 1, command })));
  if (end) lines.push(JSON.stringify({ end }));
  return `${lines.join('\n')}\n`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a log; every problem names its line. Commands are validated later, by the engine. */
export function parseLog(text: string, file: string): ParsedLog {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const json = (i: number): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(lines[i] ?? '');
    } catch {
      throw new LogFormatError(file, i + 1, 'not a JSON line (a torn or corrupt write?)');
    }
    if (!isObject(value)) throw new LogFormatError(file, i + 1, 'each line must be a JSON object');
    return value;
  };
  if (lines.length === 0) throw new LogFormatError(file, 1, 'empty log');
  const head = json(0);
  const scenario = head['scenario'];
  if (
    head['ttx'] !== 'command-log' ||
    head['format'] !== 1 ||
    typeof head['seed'] !== 'string' ||
    typeof head['engineVersion'] !== 'string' ||
    !isObject(scenario) ||
    typeof scenario['id'] !== 'string' ||
    typeof scenario['hash'] !== 'string'
  ) {
    throw new LogFormatError(file, 1, 'not a ttx command-log header (format 1)');
  }
  const commands: unknown[] = [];
  let end: ParsedLog['end'];
  for (let i = 1; i < lines.length; i++) {
    const line = json(i);
    if (end) throw new LogFormatError(file, i + 1, 'nothing may follow the end line');
    if (isObject(line['end'])) {
      const { seq, stateHash } = line['end'];
      if (typeof seq !== 'number' || typeof stateHash !== 'string') {
        throw new LogFormatError(file, i + 1, 'the end line needs seq and stateHash');
      }
      end = { seq, stateHash };
      continue;
    }
    if (line['seq'] !== commands.length + 1) {
      throw new LogFormatError(
        file,
        i + 1,
        `expected seq ${commands.length + 1}, found ${String(line['seq'])}`,
      );
    }
    commands.push(line['command']);
  }
  return { header: head as unknown as LogHeader, commands, ...(end ? { end } : {}) };
}
