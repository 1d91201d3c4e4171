/**
 * Starts the demo: the delivery service (server/server.ts) and a Vite dev server over examples/ that serves the
 * chat page (examples/chat/) with the DS's URL built in. Used by `npm start` (scripts/start.mjs, through tsx) and
 * by the end-to-end tests (test/e2e/run.ts). Both listen on 127.0.0.1.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { startDeliveryService, type DeliveryService } from './server/server.ts';

export interface DemoOptions {
  /** Vite port (0: a free one; a busy one: the next free one). */
  port?: number;
  /** Delivery service port (0: a free one; a busy one: any free one). */
  dsPort?: number;
  /** The delivery service's data file. */
  dataFile: string;
  /** fsync the data file (default true). */
  durable?: boolean;
  log?: (line: string) => void;
  /** Watch files and reload pages on change (default true; tests turn it off: other edits must not reload them). */
  watch?: boolean;
}

export interface Demo {
  /** http://127.0.0.1:port/chat/ */
  chatUrl: string;
  /** http://127.0.0.1:port/ */
  baseUrl: string;
  ds: DeliveryService;
  vite: ViteDevServer;
  /** Stop the DS (its data file stays). */
  stopDs(): Promise<void>;
  /** Start it again on the same port and data file (after stopDs: what a crash and restart would do). */
  startDs(): Promise<void>;
  close(): Promise<void>;
}

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Serves the library build (dist/, after `npm run build`) untransformed at /dist/, for the script-tag example. */
function serveDist(): Plugin {
  const types: Record<string, string> = { js: 'text/javascript', wasm: 'application/wasm', map: 'application/json' };
  return {
    name: 'webmls-serve-dist',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/dist\/([\w.-]+\.(js|wasm|map))(?:\?.*)?$/.exec(req.url ?? '');
        if (!m) return next();
        readFile(dist + m[1]).then(
          (body) => {
            res.writeHead(200, { 'content-type': types[m[2]!]! });
            res.end(body);
          },
          () => {
            res.statusCode = 404;
            res.end('not built: run npm run build');
          },
        );
      });
    },
  };
}

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const dsOpts = { host: '127.0.0.1', dataFile: opts.dataFile, durable: opts.durable ?? true, ...(opts.log ? { log: opts.log } : {}) };
  // A busy DS port falls back to a free one: the page learns the DS's URL from the build-time define below.
  let ds = await startDeliveryService({ ...dsOpts, port: opts.dsPort ?? 0 }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EADDRINUSE' || !opts.dsPort) throw e;
    return startDeliveryService({ ...dsOpts, port: 0 });
  });
  const dsPort = ds.port;
  const vite = await createServer({
    configFile: false,
    root,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [serveDist()],
    define: { 'import.meta.env.VITE_DS_URL': JSON.stringify(ds.url) },
    server: {
      host: '127.0.0.1',
      port: opts.port ?? 0,
      strictPort: false, // a busy port: Vite takes the next one (the URL printed is the real one)
      fs: { allow: ['..'] },
      ...(opts.watch === false ? { hmr: false, watch: null } : {}),
    },
    // Pre-bundle the page's and worker's dependencies up front: discovering them on first load makes Vite reload
    // the page mid-way.
    optimizeDeps: {
      entries: ['chat/index.html', 'index.html'],
      include: [
        'comlink',
        'idb',
        '@noble/ciphers/aes.js',
        '@noble/ciphers/chacha.js',
        '@noble/curves/ed25519.js',
        '@noble/curves/ed448.js',
        '@noble/curves/nist.js',
        '@noble/hashes/hkdf.js',
        '@noble/hashes/hmac.js',
        '@noble/hashes/sha2.js',
        '@noble/hashes/utils.js',
      ],
    },
    worker: { format: 'es' },
  });
  await vite.listen();
  const addr = vite.httpServer!.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const baseUrl = `http://127.0.0.1:${port}/`;
  const demo: Demo = {
    chatUrl: `${baseUrl}chat/`,
    baseUrl,
    get ds() {
      return ds;
    },
    vite,
    async stopDs() {
      await ds.close();
    },
    async startDs() {
      ds = await startDeliveryService({ ...dsOpts, port: dsPort });
    },
    async close() {
      await Promise.allSettled([ds.close(), vite.close()]);
    },
  };
  return demo;
}
