/**
 * `ttx serve [--port 8080] [--host 127.0.0.1] [--data ./data]`: the multiplayer server
 * (server/). Prints where it listens and how to create a session, logs one structured line
 * per notable thing, and stops cleanly on SIGINT or SIGTERM (pending log writes finish).
 */
import type { Command } from 'commander';
import type { LogLevel } from '../../../server/log.js';
import type { RunningServer } from '../../../server/server.js';
import { EXIT, raiseExit, type CliContext } from '../context.js';

interface ServeOptions {
  port: string;
  host: string;
  data: string;
  logLevel: string;
  logFormat?: string;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the multiplayer server: sessions over WebSocket, durable logs, resume')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to bind (0.0.0.0 for every one)', '127.0.0.1')
    .option('--data <dir>', 'data directory (session logs)', './data')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .option('--log-format <format>', 'json or pretty (default: pretty on a terminal)')
    .action(async (opts: ServeOptions) => {
      raiseExit(ctx, await serve(opts, ctx, untilSignal()));
    });
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function serve(
  opts: ServeOptions,
  ctx: CliContext,
  stop: Promise<string>,
): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    ctx.io.err(`ttx: --port must be an integer from 0 to 65535, not '${opts.port}'\n`);
    return EXIT.usage;
  }
  if (!LEVELS.includes(opts.logLevel as LogLevel)) {
    ctx.io.err(`ttx: --log-level must be one of ${LEVELS.join(', ')}\n`);
    return EXIT.usage;
  }
  const format = opts.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty') {
    ctx.io.err(`ttx: --log-format must be json or pretty\n`);
    return EXIT.usage;
  }
  // Loaded here, not at the top: `ttx` loads only what the command it runs needs.
  const [{ createLogger }, { startServer }] = await Promise.all([
    import('../../../server/log.js'),
    import('../../../server/server.js'),
  ]);
  const log = createLogger({
    level: opts.logLevel as LogLevel,
    format,
    write: (line) => ctx.io.out(line),
  });
  let server: RunningServer;
  try {
    server = await startServer({ port, host: opts.host, dataDir: opts.data, log });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the port is in use (try --port)'
        : code === 'EACCES'
          ? 'permission denied'
          : err instanceof Error
            ? err.message
            : String(err);
    ctx.io.err(
      `ttx: cannot serve on ${opts.host}:${opts.port} with data in ${opts.data}: ${why}\n`,
    );
    return EXIT.invalid;
  }
  const { restored, quarantined } = server.recovered;
  ctx.io.out(
    [
      `ttx serve: listening on ${server.url} (data in ${opts.data}; ${restored} session(s) restored${quarantined ? `, ${quarantined} quarantined` : ''})`,
      `Run an exercise in the browser: open ${server.url}/ (pick a scenario, hand out the links).`,
      `Or create a session over HTTP (the bundled scenarios are listed at ${server.url}/api/scenarios):`,
      `  curl -s -X POST ${server.url}/api/sessions -H 'content-type: application/json' -d '{"scenario":"tutorial"}'`,
      `It answers with the session id and one join token per role (facilitator, each team, observer).`,
      `Each player connects to ${server.wsUrl} and sends {"type":"hello","protocol":1,"token":"<token>"};`,
      `the protocol is in docs/protocol.md. Stop with Ctrl-C.`,
      '',
    ].join('\n'),
  );
  const signal = await stop;
  log.info('stopping', { signal });
  await server.close();
  return EXIT.ok;
}
