/**
 * `ttx serve`: the HTTP routes and the WebSocket endpoint around the hub.
 *
 *   GET  /healthz                       liveness, counts and memory
 *   GET  /api/scenarios                 the bundled scenarios
 *   POST /api/sessions                  create a session → its id and one token per role
 *   GET  /api/sessions/:id              the session's status (any of its tokens)
 *   POST /api/sessions/:id/revoke       revoke (and reissue) a role's token (facilitator)
 *   GET  /api/sessions/:id/log          an ended session's command log (facilitator)
 *   GET  /api/sessions/:id/report       its after-action report (facilitator)
 *   GET  /ws                            the WebSocket (docs/protocol.md)
 *   GET  /, /play, /assets/…            the web client (web/dist, server/static.ts)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { endedRecord, logText, MAX_REPORT_FUTURES, reportText } from './after-action.js';
import { Connection } from './connection.js';
import { FileStore } from './file-store.js';
import { ApiError, Hub } from './hub.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { silentLogger, type Logger } from './log.js';
import { CreateSessionRequest, RevokeRequest } from './protocol.js';
import { DEFAULT_WEB_ROOT, serveStatic } from './static.js';
import type { SessionStore } from './store.js';

export interface ServerOptions {
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1 (localhost only). */
  readonly host?: string;
  /** The data directory of the embedded file store (ignored when `store` is given). */
  readonly dataDir?: string;
  readonly store?: SessionStore;
  readonly log?: Logger;
  readonly limits?: Partial<Limits>;
  /** The web client's built files (default: web/dist of this package). */
  readonly webRoot?: string;
}

export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  /** `ws://host:port/ws` */
  readonly wsUrl: string;
  readonly port: number;
  readonly hub: Hub;
  /** What recovery found on start. */
  readonly recovered: { readonly restored: number; readonly quarantined: number };
  /** Stops accepting, waits for pending writes, closes every connection and the store. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? silentLogger;
  const store = options.store ?? (await FileStore.open(options.dataDir ?? './data'));
  // A store opened here holds the data directory's lock: release it if the server fails to start.
  const abandon = async (err: unknown): Promise<never> => {
    if (!options.store) await store.close();
    throw err;
  };
  const hub = new Hub({ store, log, limits });
  const recovered = await hub.recover().catch(abandon);
  await hub.bundled();

  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: limits.hardMaxFrameBytes,
    perMessageDeflate: false,
  });
  const started = Date.now();
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  let wsUrl = '';

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) {
        send(res, err.status, {
          error: {
            code: err.code,
            message: err.message,
            ...(err.issues ? { issues: err.issues } : {}),
          },
        });
      } else {
        // The path only: a query may carry a token.
        const path = (req.url ?? '').split('?')[0];
        log.error('request failed', { method: req.method, path, err });
        send(res, 500, { error: { code: 'internal', message: 'internal error' } });
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const allow = (...methods: string[]): void => {
      if (!methods.includes(method)) {
        res.setHeader('allow', methods.join(', '));
        throw new ApiError(405, 'methodNotAllowed', `use ${methods.join(' or ')}`);
      }
    };
    if (path === '/healthz') {
      allow('GET');
      const gc = (globalThis as { gc?: () => void }).gc;
      if (url.searchParams.has('gc') && gc) gc(); // only when node runs with --expose-gc
      const mem = process.memoryUsage();
      return send(res, 200, {
        status: 'ok',
        sessions: hub.sessions.size,
        quarantined: hub.quarantined.size,
        connections: connections.size,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        memory: { rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external },
        cpuMicros: (({ user, system }) => user + system)(process.cpuUsage()),
      });
    }
    if (path === '/api/scenarios') {
      allow('GET');
      const list = [...(await hub.bundled()).values()].map(
        ({ id, title, period, teams, scenario }) => ({
          id,
          title,
          ...(period === undefined ? {} : { period }),
          briefing: scenario.briefing,
          maxTurns: scenario.clock.maxTurns,
          teams,
        }),
      );
      return send(res, 200, list);
    }
    if (path === '/api/sessions') {
      allow('POST');
      const body = await readBody(req, limits.maxBodyBytes);
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      let raw: unknown;
      if (type === 'application/yaml' || type === 'text/yaml' || type === 'application/x-yaml') {
        const seed = url.searchParams.get('seed');
        raw = { yaml: body, ...(seed === null ? {} : { seed }) };
      } else {
        raw = parseJson(body);
      }
      const parsed = CreateSessionRequest.safeParse(raw);
      if (!parsed.success) throw badRequest(parsed.error.issues);
      // The WebSocket is where the client reached us (behind a proxy or on another interface).
      const host = req.headers.host;
      const ws = host && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? `ws://${host}/ws` : wsUrl;
      return send(res, 201, await hub.create(parsed.data, ws));
    }
    const m = /^\/api\/sessions\/([A-Za-z0-9_-]{1,64})(\/revoke|\/log|\/report)?$/.exec(path);
    const session = m?.[1] === undefined ? undefined : hub.sessions.get(m[1]);
    if (m && !session) throw new ApiError(404, 'unknownSession', 'no such session');
    if (m && session) {
      // A bearer header, or (for links a browser follows) ?token=.
      const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const token = auth?.[1] ?? url.searchParams.get('token') ?? undefined;
      const who = token === undefined ? undefined : hub.authenticate(token);
      if (!who || who.session !== session) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new ApiError(
          401,
          'unauthorized',
          'a token of this session is required (Authorization: Bearer …, or ?token= in a link)',
        );
      }
      if (m[2] === '/log' || m[2] === '/report') {
        allow('GET');
        if (who.role !== 'facilitator') {
          throw new ApiError(403, 'forbidden', 'only the facilitator downloads the log and report');
        }
        if (session.state.status !== 'ended') {
          throw new ApiError(
            409,
            'notEnded',
            'the exercise is still running: its log and report are ready once it has ended',
          );
        }
        const stored = await endedRecord(session, store);
        const name = `ttx-${session.scenario.id}-${session.id}`;
        if (m[2] === '/log') {
          return sendText(res, logText(stored), 'application/x-ndjson', `${name}.jsonl`);
        }
        const format = url.searchParams.get('format') ?? 'html';
        const futures = Number(url.searchParams.get('futures') ?? 0);
        if (format !== 'html' && format !== 'md') {
          throw new ApiError(400, 'badRequest', "format is 'html' or 'md'");
        }
        if (!Number.isInteger(futures) || futures < 0 || futures > MAX_REPORT_FUTURES) {
          throw new ApiError(
            400,
            'badRequest',
            `futures is a whole number from 0 to ${MAX_REPORT_FUTURES}`,
          );
        }
        const text = await reportText(session, stored, format, futures);
        return format === 'html'
          ? sendText(res, text, 'text/html', undefined, REPORT_CSP)
          : sendText(res, text, 'text/markdown', `${name}-aar.md`);
      }
      if (m[2] === undefined) {
        allow('GET');
        const s = session.state;
        return send(res, 200, {
          session: session.id,
          scenario: { id: session.scenario.id, title: session.scenario.title },
          role: who.role,
          seq: s.seq,
          turn: s.turn,
          status: s.status,
          outcome: s.outcome,
          ...(who.role === 'facilitator' ? { seed: session.meta.seed } : {}),
          connections: session.peers.size,
        });
      }
      allow('POST');
      if (who.role !== 'facilitator') {
        throw new ApiError(403, 'forbidden', 'only the facilitator revokes tokens');
      }
      const parsed = RevokeRequest.safeParse(parseJson(await readBody(req, 4096)));
      if (!parsed.success) throw badRequest(parsed.error.issues);
      const r = await hub.revoke(session, parsed.data.role, parsed.data.reissue ?? false);
      return send(res, 200, { role: parsed.data.role, ...r });
    }
    const isApi = path.startsWith('/api/') || path === '/api' || path === '/ws';
    if (!isApi && (method === 'GET' || method === 'HEAD')) {
      if (await serveStatic(webRoot, req, res, path)) return;
    }
    throw new ApiError(404, 'notFound', `no route ${method} ${path}`);
  }

  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (path !== '/ws') return refuse('404 Not Found');
    if (connections.size >= limits.maxConnections) return refuse('503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, hub, limits, log, (c) => connections.delete(c));
      connections.add(conn);
    });
  });

  const heartbeat = setInterval(() => {
    for (const c of connections) {
      if (!c.alive) {
        log.info('connection dropped: no pong', { role: c.role });
        c.terminate();
      } else c.ping();
    }
  }, limits.heartbeatMs);
  const catchUp = setInterval(() => {
    for (const s of hub.sessions.values()) if (s.hasLaggards) s.catchUpLaggards();
  }, 100);
  heartbeat.unref();
  catchUp.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    clearInterval(heartbeat);
    clearInterval(catchUp);
    return abandon(err);
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  wsUrl = `ws://${host}:${address.port}/ws`;
  log.info('listening', { url, ws: wsUrl, ...recovered });

  let closing: Promise<void> | undefined;
  return {
    url,
    wsUrl,
    port: address.port,
    hub,
    recovered,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        clearInterval(catchUp);
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        await hub.close(1001, 'server shutting down');
        for (const c of [...connections]) c.close(1001, 'server shutting down');
        http.closeAllConnections();
        await stopped;
        wss.close();
        await store.close();
        log.info('stopped');
      })()),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** The after-action report is self-contained: inline styles and SVG, no script, nothing fetched. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A text document; with `download`, offered as a file of that name. */
function sendText(
  res: ServerResponse,
  text: string,
  type: string,
  download?: string,
  csp?: string,
): void {
  res.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(download === undefined
      ? {}
      : { 'content-disposition': `attachment; filename="${download}"` }),
    ...(csp === undefined ? {} : { 'content-security-policy': csp }),
  });
  res.end(text);
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      reject(new ApiError(413, 'tooLarge', `the body is at most ${max} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new ApiError(413, 'tooLarge', `the body is at most ${max} bytes`));
        req.removeAllListeners('data');
        req.resume(); // drain the rest; the 413 goes out once the handler answers
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'badJson', 'the body must be JSON');
  }
}

function badRequest(issues: readonly { path: PropertyKey[]; message: string }[]): ApiError {
  const first = issues[0];
  const where = first && first.path.length ? `${first.path.map(String).join('.')}: ` : '';
  return new ApiError(400, 'badRequest', `${where}${first?.message ?? 'invalid request'}`);
}
