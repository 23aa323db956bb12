// The verification benchmark's modes, runtime-neutral (Node.js, Bun, Deno, workerd): a signed
// notification from the vectors (notification.json#payment-result) verified by the package and
// by the runtime's own RSA verify with a key prepared once. npm/bench/runtimes.mjs times them.
import { createPublicKey, createVerify } from 'node:crypto';

import { Client, PublicKey } from 'antom-core';

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** Builds every mode over `data` (as read-vectors.mjs reads it): `{ name: async (n) => void }`. */
export async function benchModes(data) {
  const { input } = data.docs['notification.json'].cases.find((c) => c.id === 'payment-result');
  const spki = data.texts[input.config.antom_public_key_file];
  const client = new Client({ clientId: input.config.client_id, antomPublicKey: PublicKey.parse(spki) });
  const headers = input.headers;
  const body = Buffer.from(input.body, 'utf8');
  const header = (name) => headers.find(([n]) => n.toLowerCase() === name)[1];
  // What is signed, and the raw signature, for the bare baselines (prepared once, not timed).
  const content = Buffer.from(`POST ${input.path}\n${header('client-id')}.${header('request-time')}.${input.body}`, 'utf8');
  const signature = Buffer.from(decodeURIComponent(/signature=([^,]+)/.exec(header('signature'))[1]), 'base64');
  const der = Buffer.from(spki.trim(), 'base64');
  const keyObject = createPublicKey({ key: der, format: 'der', type: 'spki' });
  const cryptoKey = await crypto.subtle.importKey('spki', der, ALGORITHM, false, ['verify']);

  // Every mode checks its verdict once before it is timed: a benchmark of a failing check is void.
  const sync = client.verifyNotification(input.path, headers, body);
  const asyncOne = await client.verifyNotificationAsync(input.path, headers, body);
  const bare = createVerify('sha256').update(content).verify(keyObject, signature);
  const bareWeb = await crypto.subtle.verify(ALGORITHM, cryptoKey, signature, content);
  if (sync.engine !== 'node' || asyncOne.engine !== 'webcrypto' || !bare || !bareWeb) {
    throw new Error(`a mode does not verify: ${sync.engine} ${asyncOne.engine} ${bare} ${bareWeb}`);
  }
  return {
    none: async () => {},
    'verifyNotification (node:crypto)': async (n) => {
      for (let i = 0; i < n; i += 1) client.verifyNotification(input.path, headers, body);
    },
    'bare node:crypto verify': async (n) => {
      for (let i = 0; i < n; i += 1) createVerify('sha256').update(content).verify(keyObject, signature);
    },
    'verifyNotificationAsync (WebCrypto)': async (n) => {
      for (let i = 0; i < n; i += 1) await client.verifyNotificationAsync(input.path, headers, body);
    },
    'bare WebCrypto verify': async (n) => {
      for (let i = 0; i < n; i += 1) await crypto.subtle.verify(ALGORITHM, cryptoKey, signature, content);
    },
  };
}
