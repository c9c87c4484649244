/**
 * `ttx serve`: the HTTP routes and the WebSocket endpoint around the hub.
 *
 *   GET  /healthz                       liveness, counts and memory
 *   GET  /api/scenarios                 the bundled scenarios
 *   POST /api/sessions                  create a session → its id and one token per role
 *   GET  /api/sessions/:id              the session's status (any of its tokens)
 *   POST /api/sessions/:id/revoke       revoke (and reissue) a role's token (facilitator)
 *   GET  /ws                            the WebSocket (docs/protocol.md)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Connection } from './connection.js';
import { FileStore } from './file-store.js';
import { ApiError, Hub } from './hub.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { silentLogger, type Logger } from './log.js';
import { CreateSessionRequest, RevokeRequest } from './protocol.js';
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
  const hub = new Hub({ store, log, limits });
  const recovered = await hub.recover();
  await hub.bundled();

  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: limits.hardMaxFrameBytes,
    perMessageDeflate: false,
  });
  const started = Date.now();
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
        log.error('request failed', { method: req.method, url: req.url, err });
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
      const list = [...(await hub.bundled()).values()].map(({ id, title, period, teams }) => ({
        id,
        title,
        ...(period === undefined ? {} : { period }),
        teams,
      }));
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
    const m = /^\/api\/sessions\/([A-Za-z0-9_-]{1,64})(\/revoke)?$/.exec(path);
    const session = m?.[1] === undefined ? undefined : hub.sessions.get(m[1]);
    if (m && !session) throw new ApiError(404, 'unknownSession', 'no such session');
    if (m && session) {
      const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const who = auth?.[1] === undefined ? undefined : hub.authenticate(auth[1]);
      if (!who || who.session !== session) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new ApiError(
          401,
          'unauthorized',
          'a token of this session is required (Authorization: Bearer …)',
        );
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
