// What test-runtimes.mjs and bench/runtimes.mjs share: the pinned runtimes (installed once per
// lockfile), a fresh project with the packed tarball and the runtime-neutral scripts of
// npm/test-runtimes, and a workerd server running them.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installLocked, installPackedTarball, requireBuiltPackage } from './locked-suite.mjs';

export const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const suiteDir = join(npmDir, 'test-runtimes');

/**
 * Installs (once) and returns the pinned runtimes: `{ BUN, DENO, WORKERD }` (binaries) and
 * `versions` (`{ bun, deno, workerd }`). The binaries are Linux x86_64 ones.
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
  };
  const root = process.env.RUNTIMES_DIR ?? join(npmDir, '..', '.cache', 'npm-runtimes');
  // Cached by version: other pins install next to these, never over them.
  const dir = join(root, `bun-${versions.bun}-deno-${versions.deno}-workerd-${versions.workerd}`);
  installLocked(suiteDir, dir, `Bun ${versions.bun}, Deno ${versions.deno}, workerd ${versions.workerd}`);
  const modules = join(dir, 'node_modules');
  return {
    versions,
    BUN: join(modules, '@oven', 'bun-linux-x64', 'bin', 'bun'),
    DENO: join(modules, '@deno', 'linux-x64-glibc', 'deno'),
    WORKERD: join(modules, '@cloudflare', 'workerd-linux-64', 'bin', 'workerd'),
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
 * Starts workerd on 127.0.0.1 with worker.mjs and the package as its workerd entry loads it:
 * the file the "workerd" export condition names is the module `antom-core`, and its relative
 * imports are named by file (so the package's own imports resolve), with `nodejs_compat`.
 * Resolves once it answers: `{ url, stop(), log() }`; rejects with its output if it does not.
 */
export async function startWorkerd(app, WORKERD) {
  const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'antom-core', 'package.json'), 'utf8'));
  const entry = pkg.exports['.'].workerd.default.replace(/^\.\/dist\//, '');
  const moduleOf = (name, path) => {
    const type = name.endsWith('.wasm') ? 'wasm' : name.endsWith('.mjs') || name === 'antom-core' ? 'esModule' : 'commonJsModule';
    return `(name = ${JSON.stringify(name)}, ${type} = embed ${JSON.stringify(path)})`;
  };
  const list = ['worker.mjs', 'suite.mjs', 'vector-cases.mjs', 'bench-core.mjs'].map((file) => moduleOf(file, file));
  list.push(moduleOf('antom-core', `node_modules/antom-core/dist/${entry}`));
  for (const file of pkg.files) {
    const name = file.replace(/^dist\//, '');
    if (!file.startsWith('dist/') || name === entry || name.endsWith('.d.ts') || name.endsWith('.d.mts')) continue;
    list.push(moduleOf(name, `node_modules/antom-core/${file}`));
  }
  const port = await freePort();
  writeFileSync(
    join(app, 'workerd.capnp'),
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
  const server = spawn(WORKERD, ['serve', 'workerd.capnp'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => server.kill();
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
      return { url, stop, log: () => output };
    } catch (err) {
      if (server.exitCode !== null || Date.now() > deadline) {
        stop();
        throw new Error(`workerd did not start (${err.cause?.code ?? err}): ${output.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
