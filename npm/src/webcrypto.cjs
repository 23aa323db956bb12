'use strict';
// The host side of antom-core's asynchronous verification: RSASSA-PKCS1-v1_5 / SHA-256 on the
// runtime's WebCrypto (`crypto.subtle`), for verifyResponseAsync / verifyNotificationAsync.
//
// antom-core (in WebAssembly) does everything else, as for the synchronous calls: it parses
// the headers and the signature, builds the exact content, decides which Antom keys are tried
// and in what order, and applies every response and notification rule. It hands out the
// checks it needs (a PendingVerify: key, content, raw signature, in order); this file only runs
// `subtle.verify` on them and reports the first that verified, or none, or that WebCrypto could
// not run them (the core then applies the client's engine fallback rule).
//
// Keys are imported into WebCrypto once per client, by their position in the client's key ring.
// The WebCrypto functions are captured when this module loads, as host.cjs captures node:crypto's.

const subtle = globalThis.crypto !== undefined ? globalThis.crypto.subtle : undefined;
const SubtleProto = typeof SubtleCrypto === 'function' ? SubtleCrypto.prototype : undefined;
const importKey = subtle !== undefined ? (SubtleProto?.importKey ?? subtle.importKey) : undefined;
const verify = subtle !== undefined ? (SubtleProto?.verify ?? subtle.verify) : undefined;

const ALGORITHM = Object.freeze({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });

/** `true` when this runtime has WebCrypto. */
const available = typeof importKey === 'function' && typeof verify === 'function';

/**
 * The CryptoKey of check `index` (imported once per client: `keys` maps the key's position in
 * the client's key ring to it), or a Promise of it while it is imported.
 */
function keyOf(pending, index, keys) {
  const at = pending.keyIndex(index);
  let key = at === undefined ? undefined : keys.get(at);
  if (key === undefined) {
    key = importKey.call(subtle, 'spki', pending.spki(index), ALGORITHM, false, ['verify']);
    if (at !== undefined) {
      const importing = key;
      keys.set(at, importing);
      importing.then(
        (cryptoKey) => keys.get(at) === importing && keys.set(at, cryptoKey), // later calls skip the await
        () => keys.delete(at), // a refused key is not kept: the next call tries again (and falls back again)
      );
    }
  }
  return key;
}

/**
 * Runs the checks `pending` (a glue PendingVerify) hands out, in order. Resolves to
 * `[index, failed]`: the index of the first check that verified (-1 for none), and whether
 * WebCrypto could not run them (missing, refused a key, threw). `keys`: the client's cache.
 */
async function runChecks(pending, keys) {
  if (!available) return [-1, true];
  const count = pending.candidates;
  try {
    for (let index = 0; index < count; index += 1) {
      let key = keyOf(pending, index, keys);
      if (key instanceof Promise) key = await key;
      if (await verify.call(subtle, ALGORITHM, key, pending.signature(index), pending.content(index))) return [index, false];
    }
    return [-1, false];
  } catch {
    return [-1, true];
  }
}

module.exports = { available, runChecks };
