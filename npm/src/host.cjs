'use strict';
// The host side of antom-core's RSA engine, imported by the WebAssembly glue.
//
// antom-core (in WebAssembly) parses and validates every key, builds what is signed, decodes
// and length-checks signatures and applies every response and notification rule. Only the
// RSASSA-PKCS1-v1_5 / SHA-256 operation itself runs here, in node:crypto (OpenSSL, blinded),
// on KeyObjects created once per key from the DER the core hands over.
//
// The node:crypto functions are captured once, when this module loads: a module loaded later
// that replaces `crypto.sign`/`crypto.verify` (or the others) can neither see key DER nor make
// a check pass.
const {
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  sign: oneShotSign,
} = require('node:crypto');

/** An antom-core error: `code` is the core's stable error code. */
class AntomError extends Error {
  /**
   * @param {string} code a stable code such as `SIGNATURE_MISMATCH`
   * @param {string} message what to fix; never contains keys, signatures or bodies
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
Object.defineProperty(AntomError.prototype, 'name', {
  value: 'AntomError',
  writable: true,
  configurable: true,
});

function antomError(code, message) {
  return new AntomError(code, message);
}

// `der` is a view into WebAssembly memory: Node copies it into OpenSSL, then the core
// zeroizes its copy. No JavaScript copy of the private key is made.
function privateKeyObject(der) {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return undefined; // the core falls back to its own engine for this key
  }
}

function publicKeyObject(der) {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

// RSA KeyObjects sign and verify with PKCS#1 v1.5 padding by default. What is signed is
// `head` then `body`, hashed in order: the body is never copied into a joined buffer.
function hostSign(key, head, body) {
  const signer = createSign('sha256');
  if (head.length > 0) signer.update(head);
  signer.update(body);
  return signer.sign(key);
}

function hostVerify(key, head, body, signature) {
  try {
    const verifier = createVerify('sha256');
    if (head.length > 0) verifier.update(head);
    verifier.update(body);
    return verifier.verify(key, signature) ? 1 : 0;
  } catch {
    return -1; // the core re-runs the check with its own engine
  }
}

/**
 * RSASSA-PKCS1-v1_5 / SHA-256 of `message` in libuv's thread pool (`crypto.sign`'s callback
 * form), off the event loop: for `prepareAsync` and `signAsync`. Resolves to the raw signature;
 * rejects when Node fails (the core then applies the engine fallback rule).
 */
function hostSignAsync(key, message) {
  return new Promise((resolve, reject) => {
    try {
      oneShotSign('sha256', message, key, (err, signature) => (err ? reject(err) : resolve(signature)));
    } catch (err) {
      reject(err);
    }
  });
}

module.exports = { AntomError, antomError, privateKeyObject, publicKeyObject, hostSign, hostVerify, hostSignAsync };
