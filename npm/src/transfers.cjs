'use strict';
// The two special transports: the multipart image upload (`billing/product/uploadImage`: the
// signed JSON part, the image part, the big-file host, the size limit) and the unsigned meter
// event upload (`meter/uploadEvent`, with `X-Session-Id`). Every rule is antom-core's
// (`prepareUpload`, `checkUploadSize`, `prepareEventUpload`, `readEventReply`); this file reads
// the file and moves bytes with `fetch`.

const wasm = require('./antom_wasm.js');
const { DEFAULT_TIMEOUT_MS } = require('./send.cjs');

/** `[name, value, ...]` from the glue as fetch's header pairs. */
function pairs(flat) {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function transferOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new TypeError('options must be an object like { timeoutMs: 10000 }');
  const { timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 0x7fffffff) {
    throw new TypeError('timeoutMs must be an integer from 1 to 2147483647 (milliseconds)');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('options.fetch must be a fetch-compatible function');
  return { ...options, timeoutMs, fetchImpl };
}

/** The reply body; over the client's maxBodyBytes, the core's refusal (`refuse(length)` throws). */
async function replyBytes(res, limit, refuse) {
  const body = Buffer.from(await res.arrayBuffer());
  if (body.byteLength > limit) refuse(body.byteLength);
  return body;
}

/**
 * The image's bytes and file name. A path's size is checked by the core before the file is
 * read (an oversized file is never read), and again after (it may have grown meanwhile).
 */
async function imageBytes(file, fileName) {
  if (typeof file === 'string' || file instanceof URL) {
    const fs = require('node:fs/promises');
    const path = require('node:path');
    wasm.checkUploadSize((await fs.stat(file)).size);
    const bytes = await fs.readFile(file);
    wasm.checkUploadSize(bytes.byteLength);
    const name = fileName ?? path.basename(typeof file === 'string' ? file : file.pathname);
    return [bytes, name];
  }
  if (file instanceof ArrayBuffer || ArrayBuffer.isView(file)) {
    const bytes = file instanceof ArrayBuffer ? new Uint8Array(file) : new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    wasm.checkUploadSize(bytes.byteLength);
    return [bytes, fileName ?? 'image'];
  }
  throw new TypeError('file must be a path (string or file: URL), a Buffer or a Uint8Array');
}

/**
 * `client.uploadImage(productId, file, options)`: see index.d.ts. `inner` is the client's
 * glue object, `[limit, refuse]` its body limit and refusal, `verify` its verifyResponse.
 */
async function uploadImage(inner, [limit, refuse], verify, productId, file, options) {
  const settings = transferOptions(options);
  const { contentType = 'image/png', requestTime = Date.now() } = settings;
  if (!Number.isSafeInteger(requestTime) || requestTime < 0) throw new TypeError('requestTime must be epoch milliseconds');
  const [bytes, name] = await imageBytes(file, settings.fileName);
  const upload = wasm.prepareUpload(inner, productId, name, contentType, bytes, requestTime);
  try {
    const res = await settings.fetchImpl(upload.url, {
      method: upload.method,
      headers: pairs(upload.headers()),
      body: upload.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    return await verify(upload.path, res.headers, await replyBytes(res, limit, refuse));
  } finally {
    upload.free();
  }
}

/**
 * `client.uploadEvent(sessionId, body, options)`: an unsigned upload, an unsigned reply:
 * `verified` is always false and `outcome` always `UNKNOWN`.
 */
async function uploadEvent(inner, [limit, refuse], sessionId, body, options) {
  const settings = transferOptions(options);
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const upload = wasm.prepareEventUpload(inner, sessionId, text);
  let res;
  try {
    res = await settings.fetchImpl(upload.url, {
      method: upload.method,
      headers: pairs(upload.headers()),
      body: upload.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } finally {
    upload.free();
  }
  const read = wasm.readEventReply(await replyBytes(res, limit, refuse));
  try {
    const reply = {
      status: res.status,
      verified: read.verified,
      outcome: read.outcome,
      resultStatus: read.resultStatus ?? null,
      resultCode: read.resultCode ?? null,
      body: read.body,
    };
    Object.defineProperty(reply, 'toString', {
      value: () => `EventReply(status=${reply.status}, verified=false, outcome=UNKNOWN, body=<${reply.body.length} chars>)`,
    });
    return Object.freeze(reply);
  } finally {
    read.free();
  }
}

module.exports = { uploadImage, uploadEvent };
