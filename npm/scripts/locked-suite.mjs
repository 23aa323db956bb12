// What test-kms.mjs and test-frameworks.mjs share: a suite's own dependencies installed with
// `npm ci` from its lockfile (once per lockfile), and the packed antom-core tarball unpacked
// next to them, as npm installs a dependency-free tarball.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Exits with a message unless npm/dist is built. */
export function requireBuiltPackage(npmDir) {
  if (!existsSync(join(npmDir, 'dist', 'antom_wasm_bg.wasm'))) {
    console.error('npm/dist is not built: run `make npm-build` first');
    process.exit(1);
  }
}

/**
 * Installs `suiteDir`'s package.json + package-lock.json into `dir` with `npm ci`, unless `dir`
 * already holds exactly that lockfile's install. `what` names the dependencies for the log.
 */
export function installLocked(suiteDir, dir, what) {
  const lock = readFileSync(join(suiteDir, 'package-lock.json'));
  const stamp = createHash('sha256').update(lock).digest('hex');
  const stampFile = join(dir, '.installed');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  console.log(`installing ${what} (${join(suiteDir, 'package-lock.json')}) into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(suiteDir, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(suiteDir, 'package-lock.json'), join(dir, 'package-lock.json'));
  execFileSync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  writeFileSync(stampFile, stamp);
}

/**
 * The shipped artifact: `npm pack` of `npmDir` into `tmp`, unpacked as `dir/node_modules/antom-core`.
 * Returns the tarball's file name.
 */
export function installPackedTarball(npmDir, dir, tmp) {
  const tarball = execFileSync(npm, ['pack', '--silent', '--pack-destination', tmp], { cwd: npmDir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const installed = join(dir, 'node_modules', 'antom-core');
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', installed, '--strip-components=1']);
  return tarball;
}
