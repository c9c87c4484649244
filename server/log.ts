/**
 * A small structured logger: one JSON object per line (`time`, `level`, `msg`, then fields),
 * or a readable line when the output is a terminal. Chosen over pino to keep the install
 * small; the line shape is pino-like so the usual tools (jq, log shippers) read it.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** `json` (default) or `pretty` (for a terminal). */
  readonly format?: 'json' | 'pretty';
  /** Where each line goes (with its newline). */
  readonly write: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const min = RANK[options.level ?? 'info'];
  const format = options.format ?? 'json';
  return loggerTo((level, msg, fields) => {
    if (RANK[level] < min) return;
    options.write(
      format === 'json' ? jsonLine(level, msg, fields) : prettyLine(level, msg, fields),
    );
  });
}

/** A logger that hands each record, its child loggers' fields included, to `emit`. */
export function loggerTo(emit: (level: LogLevel, msg: string, fields: LogFields) => void): Logger {
  const make = (base: LogFields): Logger => {
    const log =
      (level: LogLevel) =>
      (msg: string, fields: LogFields = {}): void =>
        emit(level, msg, { ...base, ...fields });
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** A field value as it is logged: an error as its message and code. */
export const plain = (v: unknown): unknown =>
  v instanceof Error
    ? {
        message: v.message,
        ...((v as NodeJS.ErrnoException).code ? { code: (v as NodeJS.ErrnoException).code } : {}),
      }
    : v;

function jsonLine(level: LogLevel, msg: string, fields: LogFields): string {
  const out: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  for (const [k, v] of Object.entries(fields)) out[k] = plain(v);
  return `${JSON.stringify(out)}\n`;
}

function prettyLine(level: LogLevel, msg: string, fields: LogFields): string {
  const time = new Date().toISOString().slice(11, 19);
  const rest = Object.entries(fields)
    .map(([k, v]) => {
      const p = plain(v);
      return `${k}=${typeof p === 'string' ? p : JSON.stringify(p)}`;
    })
    .join(' ');
  return `${time} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? ` ${rest}` : ''}\n`;
}
