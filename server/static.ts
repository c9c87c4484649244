/**
 * The web client's static files (built by `npm run build:web` into web/dist), served next to
 * /api and /ws. Only regular files under the root are read (no path traversal); the app's own
 * routes fall back to index.html; Vite's content-hashed assets are cached for good, anything
 * else is revalidated. Without a build, the app's routes say how to make one.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { projectPath } from '../src/paths.js';

/** Where `npm run build:web` writes the client. */
export const DEFAULT_WEB_ROOT = projectPath('web/dist');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The pages of the single-page app; each is index.html (web/src/main.tsx routes them). */
const APP_ROUTES = new Set(['/', '/play']);

/**
 * The app's pages run only the app's own script and styles, talk only to this server, and
 * send no Referer (join links carry their token in the fragment, which never leaves anyway).
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ttx: web client not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The web client is not built yet</h1>
<p>The server is running, but the browser app has not been built. In the project folder, run</p>
<pre><code>npm run build:web</code></pre>
<p>(<code>npm install</code> does it too), then reload this page. The HTTP API (<code>/api</code>)
and the WebSocket (<code>/ws</code>) work without it.</p>
</body></html>
`;

/**
 * Answers a GET or HEAD for a static file or an app page. Returns false when the path is
 * neither, so the caller can answer 404.
 */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const file = fileFor(root, path);
  const size = file === undefined ? undefined : await sizeOf(file);
  if (file !== undefined && size !== undefined) {
    sendFile(req, res, file, size, cacheFor(path));
    return true;
  }
  // A browser asking for another page gets the app, which says the page does not exist.
  const appRoute = APP_ROUTES.has(path);
  const browsing = (req.headers.accept ?? '').includes('text/html') && extname(path) === '';
  if (!appRoute && !browsing) return false;
  const index = resolve(root, 'index.html');
  const indexSize = await sizeOf(index);
  if (indexSize !== undefined) {
    sendFile(req, res, index, indexSize, 'no-cache', appRoute ? 200 : 404);
    return true;
  }
  if (!appRoute) return false;
  const body = Buffer.from(NOT_BUILT);
  res.writeHead(503, {
    ...PAGE_HEADERS,
    'content-type': TYPES['.html'],
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** The file a URL path names under `root`, or undefined if it would leave it. */
function fileFor(root: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${decoded}`);
  return file.startsWith(base + sep) ? file : undefined;
}

/** The size of a regular file, or undefined (missing, a directory, unreadable). */
async function sizeOf(file: string): Promise<number | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** Vite names the files under /assets/ by their content hash: they never change. */
function cacheFor(path: string): string {
  return path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  size: number,
  cache: string,
  status = 200,
): void {
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(status, {
    ...(type.startsWith('text/html') ? PAGE_HEADERS : { 'x-content-type-options': 'nosniff' }),
    'content-type': type,
    'content-length': size,
    'cache-control': cache,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
