// The local Antom simulator for these tests: `antom mock` as a child process (signing with the
// throw-away Antom test key, checking requests with the merchant test key) and `antom trigger
// notifyPayment`, both from ANTOM_BIN (make test-node-frameworks builds it).
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { testKey, vectorsDir } from './helpers.mjs';

const bin = process.env.ANTOM_BIN;
if (!bin) throw new Error('ANTOM_BIN must point to target/debug/antom (make test-node-frameworks sets it)');

/** A key file of tests/vectors/keys/ as a path. */
export const keyFile = (name) => fileURLToPath(new URL(`keys/TEST-ONLY-${name}`, vectorsDir));

/** The public half of what the simulator and `trigger` sign with: the client's antomPublicKey. */
export const ANTOM_PUBLIC_KEY = testKey('antom.public.spki.b64');

/**
 * Starts `antom mock` on a free port; resolves to `{ gatewayUrl, stop() }` once it prints its
 * address. `stop()` ends the child (by its own handle) and waits for it.
 */
export function startMock() {
  const child = spawn(
    bin,
    [
      'mock',
      '--port',
      '0',
      '--merchant-public-key',
      keyFile('merchant.public.spki.b64'),
      '--antom-private-key',
      keyFile('antom.private.pkcs8.b64'),
      '--time-scale',
      '60',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`antom mock did not print its address within 20 s:\n${output}`));
    }, 20_000);
    const seen = (chunk) => {
      output += chunk;
      const match = /antom mock: listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ gatewayUrl: match[1], stop, log: () => output });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`antom mock exited (${code}):\n${output}`));
    });
  });
}

/**
 * `antom trigger notifyPayment --to url ...`, asynchronously (the webhook under test runs in
 * this process). Resolves to `{ code, stdout }`: code 0 only when the webhook answered 200 with
 * the acknowledgement.
 */
export function trigger(url, { key = 'antom.private.pkcs8.b64', status, paymentRequestId } = {}) {
  const args = ['trigger', 'notifyPayment', '--to', url, '--antom-private-key', keyFile(key)];
  if (status) args.push('--status', status);
  if (paymentRequestId) args.push('--payment-request-id', paymentRequestId);
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout: stdout + stderr });
    });
  });
}
