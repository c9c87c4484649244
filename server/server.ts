/**
 * `ttx serve`: the HTTP routes and the WebSocket endpoint, on the main thread. The sessions
 * live on a thread of their own (server/hub-link.ts), which answers the routes' operations
 * (server/api.ts) and the connections' frames.
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
import type { SessionState } from '../engine/index.js';
import { MAX_REPORT_FUTURES } from './after-action.js';
import { ApiError, badRequest, parseJson } from './api-error.js';
import { Connection } from './connection.js';
import { claimDataDir } from './dir-lock.js';
import { HubLink } from './hub-link.js';
import type { HubHealth } from './api.js';
import { GcPauses, LoopDelay, type HealthLatency } from './latency.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { silentLogger, type Logger } from './log.js';
import { CLOSE, CreateSessionRequest, type CreateSessionResponse } from './protocol.js';
import { DEFAULT_WEB_ROOT, serveStatic } from './static.js';

export interface ServerOptions {
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1 (localhost only). */
  readonly host?: string;
  /** The data directory of the embedded file store (default ./data). */
  readonly dataDir?: string;
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
  /** What recovery found on start. */
  readonly recovered: { readonly restored: number; readonly quarantined: number };
  /** A copy of a session's committed state (tests and tools; the sessions live on their own thread). */
  state(session: string): Promise<SessionState | undefined>;
  /** The open WebSocket connections (tests and tools). */
  connections(): readonly Connection[];
  /** Stops accepting, waits for pending writes, closes every connection and the store. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? silentLogger;
  const connections = new Set<Connection>();
  const dataDir = options.dataDir ?? './data';
  // The session thread locks the directory; this claim keeps a second server of this process off it.
  const unclaim = claimDataDir(dataDir);
  // The sessions, the engine and the store run on a thread of their own (server/hub-link.ts).
  const link = await HubLink.start(dataDir, limits, log, () => {
    for (const c of [...connections]) c.close(CLOSE.unavailable, 'session unavailable');
  }).catch((err: unknown) => {
    unclaim();
    throw err;
  });

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: limits.hardMaxFrameBytes,
    perMessageDeflate: false,
  });
  const started = Date.now();
  const mainLoop = new LoopDelay();
  const mainGc = new GcPauses();
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  let wsUrl = '';

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) {
        if (err.status === 401) res.setHeader('www-authenticate', 'Bearer');
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
      const gc = url.searchParams.has('gc');
      const reset = url.searchParams.has('reset');
      const hub = await link.call<HubHealth>({ op: 'health', gc, reset });
      const collect = (globalThis as { gc?: () => void }).gc;
      if (gc && collect) collect(); // only when node runs with --expose-gc
      const mem = process.memoryUsage();
      const mainLoopDelay = mainLoop.summary();
      const mainLoopBusy = mainLoop.busy();
      const mainGcPauses = mainGc.summary();
      if (reset) {
        mainLoop.reset();
        mainGc.reset();
      }
      return send(res, 200, {
        status: 'ok',
        sessions: hub.sessions,
        quarantined: hub.quarantined,
        connections: connections.size,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        // The heap of both threads; RSS and external memory are the process's.
        memory: { rss: mem.rss, heapUsed: mem.heapUsed + hub.heapUsed, external: mem.external },
        cpuMicros: (({ user, system }) => user + system)(process.cpuUsage()),
        latency: {
          mainLoopDelay,
          sessionLoopDelay: hub.loopDelay,
          mainLoopBusy,
          sessionLoopBusy: hub.loopBusy,
          mainGc: mainGcPauses,
          sessionGc: hub.gc,
          journalWrites: hub.journalWrites,
          sessionAcks: hub.acks,
        } satisfies HealthLatency,
      });
    }
    if (path === '/api/scenarios') {
      allow('GET');
      return send(res, 200, await link.call({ op: 'scenarios' }));
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
      return send(
        res,
        201,
        await link.call<CreateSessionResponse>({ op: 'create', request: parsed.data, ws }),
      );
    }
    const m = /^\/api\/sessions\/([A-Za-z0-9_-]{1,64})(\/revoke|\/log|\/report)?$/.exec(path);
    if (m?.[1] !== undefined) {
      const session = m[1];
      // A bearer header, or (for links a browser follows) ?token=.
      const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const token = auth?.[1] ?? url.searchParams.get('token') ?? undefined;
      if (m[2] === '/log' || m[2] === '/report') {
        allow('GET');
        if (m[2] === '/log') {
          const r = await link.call<{ text: string; name: string }>({ op: 'log', session, token });
          return sendText(res, r.text, 'application/x-ndjson', `${r.name}.jsonl`);
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
        const r = await link.call<{ text: string; name: string }>({
          op: 'report',
          session,
          token,
          format,
          futures,
        });
        return format === 'html'
          ? sendText(res, r.text, 'text/html', undefined, REPORT_CSP)
          : sendText(res, r.text, 'text/markdown', `${r.name}-aar.md`);
      }
      if (m[2] === undefined) {
        allow('GET');
        return send(res, 200, await link.call({ op: 'status', session, token }));
      }
      allow('POST');
      const body = await readBody(req, 4096);
      return send(res, 200, await link.call({ op: 'revoke', session, token, body }));
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
    if (connections.size >= limits.maxConnections || link.failed) {
      return refuse('503 Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, link, limits, log, (c) => connections.delete(c));
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
  // Connections that were behind may have drained: the session thread catches them up.
  const backlogs = setInterval(() => link.reportBacklogs(), 100);
  heartbeat.unref();
  backlogs.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    clearInterval(heartbeat);
    clearInterval(backlogs);
    await link.shutdown();
    unclaim();
    throw err;
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  wsUrl = `ws://${host}:${address.port}/ws`;
  const { recovered } = link;
  log.info('listening', { url, ws: wsUrl, ...recovered });

  let closing: Promise<void> | undefined;
  return {
    url,
    wsUrl,
    port: address.port,
    recovered,
    state: (session) => link.call<SessionState | undefined>({ op: 'state', session }),
    connections: () => [...connections],
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        clearInterval(backlogs);
        mainLoop.stop();
        mainGc.stop();
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        await link.shutdown();
        for (const c of [...connections]) c.close(1001, 'server shutting down');
        http.closeAllConnections();
        await stopped;
        wss.close();
        unclaim();
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
