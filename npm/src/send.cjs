'use strict';
// client.send(): the one place the package does network IO. It sends exactly the prepared
// request (bytes and headers) with `fetch`, reads the raw reply under a deadline, and hands the
// reply to verifyResponse. What the reply means is the core's decision (`outcome`); this file
// only tells "no verified reply" (transport error, timeout, non-2xx status) apart from a reply,
// and every such case is UNKNOWN: the request may have reached Antom.

const { AntomError } = require('./host.cjs');

/** The default deadline of one attempt (connect, send, the whole reply read), in milliseconds. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** The most `retries` accepted: resending is for a transient fault, not a polling loop. */
const MAX_RETRIES = 10;
// AbortSignal.timeout takes a 32-bit signed millisecond delay.
const MAX_TIMEOUT_MS = 0x7fffffff;

/** `{ requestTime, timeoutMs, retries, fetch }` of send, checked before anything is signed. */
function sendOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new TypeError('options must be an object like { timeoutMs: 10000 }');
  const { timeoutMs = DEFAULT_TIMEOUT_MS, retries = 0, requestTime } = options;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new TypeError(`timeoutMs must be an integer from 1 to ${MAX_TIMEOUT_MS} (milliseconds)`);
  }
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new TypeError(`retries must be an integer from 0 to ${MAX_RETRIES}`);
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('options.fetch must be a fetch-compatible function (this Node.js has no global fetch)');
  }
  return { timeoutMs, retries, requestTime, fetchImpl, ownFetch: options.fetch !== undefined && options.fetch !== null };
}

/**
 * Refuses to send over https with Node's process-wide switch that turns certificate checks off
 * for the global fetch (NODE_TLS_REJECT_UNAUTHORIZED=0): a signed payment request is never sent
 * to a server whose identity is not verified. A fetch passed in options is the caller's own.
 */
function checkTls(url, options) {
  if (options.ownFetch || !url.startsWith('https:')) return;
  if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    const error = new Error(
      'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate verification: client.send does not send ' +
        'a signed request over an unverified connection (nothing was sent). Unset it; for a private CA use NODE_EXTRA_CA_CERTS.',
    );
    error.code = 'TLS_VERIFICATION_OFF';
    throw error;
  }
}

/** The result of a send whose outcome is unknown: nothing verified came back. */
function unknown(code, message, httpStatus, attempts, cause) {
  const error = { code, message };
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return { outcome: 'UNKNOWN', response: null, httpStatus, error, attempts };
}

function isTimeout(err, signal) {
  return signal.aborted || (err !== null && typeof err === 'object' && err.name === 'TimeoutError');
}

/** The low-level code of a fetch failure (`ECONNREFUSED`, ...), for the message; never data. */
function causeCode(err) {
  const code = err?.cause?.code ?? err?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
}

/**
 * Reads the reply body, at most `limit` bytes: past that the core's size refusal is thrown from
 * the length read so far, and the rest is never read. Accepts a web ReadableStream (fetch) and
 * any async-iterable body (node-fetch's Readable).
 */
async function readBody(res, limit, refuse) {
  const body = res.body;
  if (body === null || body === undefined) return Buffer.alloc(0);
  const chunks = [];
  let length = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    length += bytes.byteLength;
    if (length > limit) refuse(length); // throws; leaving the loop cancels the stream
    chunks.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
}

/** Cancels a reply body nobody reads, so the connection is released. */
function discard(res) {
  const body = res.body;
  if (body && typeof body.cancel === 'function') body.cancel().catch(() => {});
  else if (body && typeof body.destroy === 'function') body.destroy();
}

/**
 * Sends `request` (a PreparedRequest) and verifies the reply with `verify(path, headers, body)`.
 * `refuse(length)` throws the core's error for a reply over `limit` bytes.
 */
async function exchange(request, options, limit, verify, refuse) {
  const { timeoutMs, retries, fetchImpl } = options;
  checkTls(request.url, options);
  // Every attempt sends this same object: the same bytes, headers and request-time.
  const init = { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' };
  let result;
  for (let attempt = 1; attempt <= retries + 1; attempt += 1) {
    const signal = AbortSignal.timeout(timeoutMs);
    let res;
    let body;
    try {
      res = await fetchImpl(request.url, { ...init, signal });
      if (res.status < 200 || res.status > 299) {
        discard(res);
        result = unknown(
          'HTTP_STATUS',
          `the gateway answered HTTP ${res.status}: the outcome is unknown; inquire (never pay again)`,
          res.status,
          attempt,
        );
        if (res.status >= 500) continue; // a retry may help; 3xx and 4xx never change by resending
        return result;
      }
      body = await readBody(res, limit, refuse);
    } catch (err) {
      if (err instanceof AntomError) throw err; // the reply was over the size limit
      result = isTimeout(err, signal)
        ? unknown('TIMEOUT', `no complete reply within ${timeoutMs} ms: the outcome is unknown; inquire (never pay again)`, res?.status ?? null, attempt, err)
        : unknown(
            'TRANSPORT_ERROR',
            `the request could not be sent or its reply not read${causeCode(err)}: the outcome is unknown; inquire (never pay again)`,
            res?.status ?? null,
            attempt,
            err,
          );
      continue;
    }
    // A reply: the core decides. A reply that fails verification throws its AntomError.
    const response = await verify(request.path, res.headers, body);
    return { outcome: response.outcome, response, httpStatus: res.status, error: null, attempts: attempt };
  }
  return result;
}

module.exports = { DEFAULT_TIMEOUT_MS, MAX_RETRIES, sendOptions, exchange };
