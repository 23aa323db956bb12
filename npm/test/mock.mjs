// A real `antom mock` for the tests that need the simulator (retries, transports, waiting):
// target/debug/antom, or $ANTOM_BIN (`make test` builds it before these suites).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Client } from 'antom-core';

import { CLIENT_ID, testKey, vectorsDir } from './helpers.mjs';

const antomBin = process.env.ANTOM_BIN || fileURLToPath(new URL('../../target/debug/antom', vectorsDir));

/**
 * Starts `antom mock` on a free port, checking requests with the TEST-ONLY merchant key and
 * signing with a fresh Antom key; resolves to `{ gateway, client, stop }` where `client` is a
 * merchant client that trusts the simulator's key.
 */
export async function startMock() {
  assert.ok(existsSync(antomBin), `${antomBin} is missing: run \`cargo build -p antom-cli --bin antom\``);
  const merchantPublic = fileURLToPath(new URL('keys/TEST-ONLY-merchant.public.spki.b64', vectorsDir));
  const child = spawn(antomBin, ['mock', '--port', '0', '--quiet', '--merchant-public-key', merchantPublic, '--client-id', CLIENT_ID], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  const gateway = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulator did not start')), 20_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /antom mock: listening on (\S+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the simulator exited (${code}): ${out}`)));
  });
  child.stdout.resume();
  const antomPublicKey = await (await fetch(`${gateway}/antom-public-key`)).text();
  const client = new Client({ clientId: CLIENT_ID, privateKey: testKey('merchant.private.pkcs8.b64'), antomPublicKey, gatewayUrl: gateway });
  return {
    gateway,
    client,
    async stop() {
      client.free();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill();
        await exited;
      }
    },
  };
}
