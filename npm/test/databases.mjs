// Throw-away PostgreSQL and Redis servers for the dedup tests, started from Debian's packages
// (`postgresql`, `redis-server`: tests/setup/doctor.sh's postgres and redis items, which make
// installs as root). A server that cannot be started throws with the exact error: the test
// fails, it is never skipped.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The newest /usr/lib/postgresql/VERSION/bin with initdb and pg_ctl, else pg_config's, else PATH. */
export function postgresBindir() {
  const base = '/usr/lib/postgresql';
  const found = existsSync(base)
    ? readdirSync(base)
        .map((v) => [Number.parseInt(v, 10) || 0, join(base, v, 'bin')])
        .filter(([, d]) => executable(join(d, 'initdb')) && executable(join(d, 'pg_ctl')))
        .sort((a, b) => b[0] - a[0])
    : [];
  if (found.length) return found[0][1];
  const config = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (config.status === 0 && executable(join(config.stdout.trim(), 'initdb'))) return config.stdout.trim();
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return join(which.stdout.trim(), '..');
  throw new Error(
    "PostgreSQL's initdb was not found (/usr/lib/postgresql/*/bin, pg_config, PATH): " +
      'install it with `apt-get install postgresql` (tests/setup/doctor.sh postgres)',
  );
}

/** As root (which PostgreSQL refuses): `runuser -u postgres` (or nobody), owning `dir`. */
function serverUser(dir) {
  if (process.getuid?.() !== 0) return [];
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find(executable);
  if (!runuser) throw new Error('running as root without runuser: PostgreSQL refuses to run as root');
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (id.status !== 0) continue;
    const uid = Number(id.stdout.trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    return [runuser, '-u', name, '--'];
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists');
}

function run(command, what) {
  const done = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (done.error) throw new Error(`${what} failed: ${done.error.message}`);
  if (done.status !== 0) throw new Error(`${what} failed (exit ${done.status}): ${done.stdout}${done.stderr}`);
}

/** Starts a cluster (trust authentication on 127.0.0.1): `{ port, config, stop() }`. */
export async function startPostgres() {
  const bindir = postgresBindir();
  const root = mkdtempSync(join(tmpdir(), 'antom-npm-pg-'));
  chmodSync(root, 0o755);
  const prefix = serverUser(root);
  const data = join(root, 'data');
  const log = join(root, 'server.log');
  run([...prefix, join(bindir, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync'], 'initdb');
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  try {
    run([...prefix, join(bindir, 'pg_ctl'), '-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start'], 'pg_ctl start');
  } catch (error) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '(no log)';
    rmSync(root, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${error.message}\n${text}`);
  }
  let running = true;
  return {
    port,
    config: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
    /** Stops the server at once (`-m immediate`, like a crash); `remove` deletes its files. */
    stop({ remove = true } = {}) {
      if (running) {
        running = false;
        const command = [...prefix, join(bindir, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
        spawnSync(command[0], command.slice(1), { timeout: 60_000 });
      }
      if (remove) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Starts `redis-server` without persistence: `{ port, url, stop() }`. */
export async function startRedis() {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const binary = which.stdout.trim();
  if (which.status !== 0 || !binary) {
    throw new Error('redis-server was not found: install it with `apt-get install redis-server` (tests/setup/doctor.sh redis)');
  }
  const root = mkdtempSync(join(tmpdir(), 'antom-npm-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root, '--protected-mode', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let exited = null;
  child.once('exit', (code, signal) => (exited = `exit ${code ?? signal}`));
  child.once('error', (error) => (exited = error.message));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error(`redis-server exited (${exited}): ${output}`);
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    /** Kills the server (SIGKILL, like a crash) and deletes its directory. */
    async stop() {
      if (exited === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
