// A tiny static HTTP server for the web demo: serves dist/web/ (built by scripts/build-browser.mjs) on localhost,
// cross-origin isolated (COOP/COEP headers) so pages may use SharedArrayBuffer and tracetape's Web Worker threads.
// Usage: node examples/web/serve.mjs [--port N] (default 8080; 0 picks a free port). The browser test imports startServer.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * Cross-origin isolation (COOP + COEP): makes SharedArrayBuffer and shared WebAssembly memory available, which
 * tt.setWasmThreads needs for its Web Worker pool. Every resource here is same-origin, so require-corp blocks nothing.
 */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** Serve `dir` on 127.0.0.1:`port` (0 = a free port); resolves to { url, port, close() }. */
export function startServer({ port = 8080, dir = resolve(here, '../../dist/web') } = {}) {
  const rootDir = resolve(dir);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(rootDir, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) { res.writeHead(403).end('forbidden'); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...ISOLATION }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain', ...ISOLATION }).end(`not found: ${path}`);
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolvePromise({ url: `http://localhost:${actual}/`, port: actual, close: () => new Promise((r) => server.close(() => r(undefined))) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) { console.error(`serve: --port must be an integer in [0, 65535], received ${process.argv[i + 1]}`); process.exit(2); }
  try {
    const { url } = await startServer({ port });
    console.log(`tracetape web demo: ${url}  (Ctrl-C to stop)`);
  } catch (e) {
    const err = /** @type {NodeJS.ErrnoException} */ (e);
    console.error(err.code === 'EADDRINUSE' ? `serve: port ${port} is in use; try --port 0 for a free one` : `serve: ${err.message}`);
    process.exit(1);
  }
}
