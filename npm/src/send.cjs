'use strict';
// client.send(): the one place the package does network IO. It sends exactly the prepared
// request (bytes and headers) with `fetch`, reads the raw reply under a timeout, and hands the
// reply to verifyResponse. What the reply means is the core's decision (`outcome`); whether and
// when to send again is the core's decision too (`decideRetry`: transient failures only,
// idempotent requests only, jittered capped backoff, one deadline over every attempt). This
// file converts types, keeps time and reports events: no rule of its own.

const { AntomError } = require('./host.cjs');
const wasm = require('./antom_wasm.js');

/** The default timeout of one attempt (connect, send, the whole reply read), in milliseconds. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** The most `retries` accepted (10 attempts in all): resending is for a transient fault, not a polling loop. */
const MAX_RETRIES = 9;
// AbortSignal.timeout takes a 32-bit signed millisecond delay.
const MAX_TIMEOUT_MS = 0x7fffffff;
// The policy's fields, in the order of the core's RetryPolicy (and of the wasm constructor).
const POLICY_FIELDS = [
  'maxAttempts',
  'initialBackoffMs',
  'maxBackoffMs',
  'attemptTimeoutMs',
  'deadlineMs',
  'retryWithoutIdempotencyKey',
];
// [eventField, attributeKey] pairs, in the core's attribute order (SEND_EVENT_ATTRIBUTES).
const ATTRIBUTE_KEYS = (() => {
  const flat = wasm.sendEventAttributeKeys();
  const pairs = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return Object.freeze(pairs);
})();
// @opentelemetry/api's SpanKind.CLIENT and SpanStatusCode.ERROR, by value: the package never
// loads OpenTelemetry itself; the tracer the caller passes is all it uses.
const SPAN_KIND_CLIENT = 2;
const SPAN_STATUS_ERROR = 2;

/** A wasm policy's settings as a frozen plain object. */
function policyObject(policy) {
  return Object.freeze(Object.fromEntries(POLICY_FIELDS.map((name) => [name, policy[name]])));
}

/** The wasm RetryPolicy of plain settings (missing ones from the default), checked by the core. */
function wasmPolicy(settings) {
  if (settings === null || typeof settings !== 'object') {
    throw new TypeError('retryPolicy must be an object like { maxAttempts: 3 }');
  }
  const base = wasm.defaultRetryPolicy();
  const values = POLICY_FIELDS.map((name) => {
    const value = settings[name] ?? base[name];
    if (name === 'retryWithoutIdempotencyKey') {
      if (typeof value !== 'boolean') throw new TypeError('retryPolicy.retryWithoutIdempotencyKey must be a boolean');
    } else if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`retryPolicy.${name} must be a non-negative integer`);
    }
    return value;
  });
  for (const name of Object.keys(settings)) {
    if (!POLICY_FIELDS.includes(name)) throw new TypeError(`retryPolicy has no setting ${name}`);
  }
  const policy = new wasm.RetryPolicy(...values);
  policy.check(); // AntomError INVALID_INPUT naming the bound that is not met
  return policy;
}

/**
 * `retryPolicy(settings)`: the complete, checked policy (a frozen plain object) from partial
 * settings; what is not given is the core's default (one attempt, 30 s attempt timeout,
 * backoff from 500 ms to 5 s, a 60 s deadline).
 */
function retryPolicy(settings = {}) {
  return policyObject(wasmPolicy(settings));
}

/** The simple form's policy: `retries` extra attempts each with `timeoutMs` (the core's rule). */
function simpleRetryPolicy(retries, timeoutMs) {
  return policyObject(wasm.simpleRetryPolicy(retries, timeoutMs));
}

/**
 * `decideRetry(policy, { path, body, attempt, elapsedMs, failure, random })`: the core's
 * decision after failed attempt `attempt`. `failure` is `{ kind: 'transport' | 'timeout' |
 * 'http_status', status }`; `random` any safe integer (default: from the runtime's CSPRNG).
 */
function decideRetry(policy, { path, body, attempt, elapsedMs = 0, failure, random = randomSafeInteger() }) {
  const d = wasm.decideRetry(
    wasmPolicy(policy),
    path,
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    attempt,
    elapsedMs,
    failure.kind,
    failure.status ?? 0,
    random,
  );
  return Object.freeze({ retry: d.retry, delayMs: d.delayMs, reason: d.reason });
}

/** The next attempt's timeout `elapsedMs` after the first started; `undefined` past the deadline. */
function attemptTimeoutMs(policy, elapsedMs) {
  return wasm.attemptTimeoutMs(wasmPolicy(policy), elapsedMs);
}

/** A uniformly random safe integer (53 bits) from the runtime's CSPRNG: picks the jitter. */
function randomSafeInteger() {
  const [high, low] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return (high & 0x1fffff) * 0x1_0000_0000 + low;
}

/**
 * The checked options of send, before anything is signed: `{ requestTime, policy (wasm),
 * fetchImpl, ownFetch, onEvent, includeBodies, tracer }`.
 */
function sendOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new TypeError('options must be an object like { timeoutMs: 10000 }');
  const { requestTime } = options;
  let policy;
  if (options.retryPolicy !== undefined && options.retryPolicy !== null) {
    if (options.retries !== undefined || options.timeoutMs !== undefined) {
      throw new TypeError('give retryPolicy or its simple form (retries, timeoutMs), not both');
    }
    policy = wasmPolicy(options.retryPolicy);
  } else {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, retries = 0 } = options;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new TypeError(`timeoutMs must be an integer from 1 to ${MAX_TIMEOUT_MS} (milliseconds)`);
    }
    if (!Number.isSafeInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
      throw new TypeError(`retries must be an integer from 0 to ${MAX_RETRIES}`);
    }
    policy = wasm.simpleRetryPolicy(retries, timeoutMs);
    policy.check();
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('options.fetch must be a fetch-compatible function (this Node.js has no global fetch)');
  }
  const { onEvent, tracer } = options;
  if (onEvent !== undefined && onEvent !== null && typeof onEvent !== 'function') {
    throw new TypeError('options.onEvent must be a function (event) => void');
  }
  if (tracer !== undefined && tracer !== null && typeof tracer?.startSpan !== 'function') {
    throw new TypeError('options.tracer must be an OpenTelemetry Tracer (trace.getTracer(name))');
  }
  const includeBodies = options.includeBodies ?? false;
  if (typeof includeBodies !== 'boolean') throw new TypeError('options.includeBodies must be a boolean');
  return {
    requestTime,
    policy,
    fetchImpl,
    ownFetch: options.fetch !== undefined && options.fetch !== null,
    onEvent: onEvent ?? undefined,
    includeBodies,
    tracer: tracer ?? undefined,
  };
}

/**
 * Refuses to send over https with Node's process-wide switch that turns certificate checks off
 * for the global fetch (NODE_TLS_REJECT_UNAUTHORIZED=0): a signed payment request is never sent
 * to a server whose identity is not verified. A fetch passed in options is the caller's own.
 */
function checkTls(url, options) {
  if (options.ownFetch || !url.startsWith('https:')) return;
  if (typeof process !== 'undefined' && process.env?.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The core's event shape (antom_core::SendEvent) in camelCase; absent fields are null. */
function newEvent(path, attempt, requestBody, includeBodies) {
  return {
    api: wasm.apiName(path) ?? 'unknown',
    path,
    attempt,
    durationMs: 0,
    httpStatus: null,
    resultStatus: null,
    resultCode: null,
    outcome: null,
    errorCode: null,
    retry: null,
    retryDelayMs: null,
    requestBodyLen: requestBody.byteLength,
    responseBodyLen: null,
    requestBody: includeBodies ? wasm.maskBody(requestBody) : null,
    responseBody: null,
  };
}

/** An event's OpenTelemetry attributes under the core's keys, absent fields left out. */
function eventAttributes(event) {
  const attributes = {};
  for (const [field, key] of ATTRIBUTE_KEYS) {
    if (event[field] !== null && event[field] !== undefined) attributes[key] = event[field];
  }
  return attributes;
}

/**
 * Reports one attempt's event to the hook and the span. A hook that throws never changes the
 * send: its error is reported as a process warning (its name only: it may hold data).
 */
function report(event, options, span) {
  Object.freeze(event);
  if (span !== undefined) span.addEvent('antom.attempt', eventAttributes(event));
  if (options.onEvent === undefined) return;
  try {
    options.onEvent(event);
  } catch (err) {
    if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
      process.emitWarning(`antom-core: options.onEvent threw ${err?.name ?? typeof err}; the send went on`);
    }
  }
}

/** Ends the send's span with the last event's attributes; an error code marks it failed. */
function endSpan(span, event) {
  if (span === undefined) return;
  span.setAttributes(eventAttributes(event));
  if (event.errorCode !== null) span.setStatus({ code: SPAN_STATUS_ERROR, message: event.errorCode });
  span.end();
}

/**
 * Sends `request` (a PreparedRequest) and verifies the reply with `verify(path, headers, body)`.
 * `refuse(length)` throws the core's error for a reply over `limit` bytes.
 */
async function exchange(request, options, limit, verify, refuse) {
  const { policy, fetchImpl, tracer } = options;
  checkTls(request.url, options);
  // Every attempt sends this same object: the same bytes, headers and request-time.
  const init = { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' };
  const requestBody = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const span =
    tracer === undefined
      ? undefined
      : tracer.startSpan(wasm.spanName(request.path), {
          kind: SPAN_KIND_CLIENT,
          attributes: { 'antom.api': wasm.apiName(request.path) ?? 'unknown', 'url.path': request.path },
        });
  const started = performance.now();
  const elapsedMs = () => Math.floor(performance.now() - started);
  let timeoutMs = wasm.attemptTimeoutMs(policy, 0) ?? policy.attemptTimeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const event = newEvent(request.path, attempt, requestBody, options.includeBodies);
    const attemptStarted = performance.now();
    const signal = AbortSignal.timeout(Math.min(timeoutMs, MAX_TIMEOUT_MS));
    let res;
    let body;
    let result;
    let failure;
    try {
      res = await fetchImpl(request.url, { ...init, signal });
      event.httpStatus = res.status;
      if (res.status < 200 || res.status > 299) {
        discard(res);
        failure = { kind: 'http_status', status: res.status };
        result = unknown(
          'HTTP_STATUS',
          `the gateway answered HTTP ${res.status}: the outcome is unknown; inquire (never pay again)`,
          res.status,
          attempt,
        );
      } else {
        body = await readBody(res, limit, refuse);
      }
    } catch (err) {
      if (err instanceof AntomError) {
        // The reply was over the size limit: refused by the core, never retried.
        event.durationMs = Math.floor(performance.now() - attemptStarted);
        event.errorCode = err.code;
        report(event, options, span);
        endSpan(span, event);
        throw err;
      }
      failure = { kind: isTimeout(err, signal) ? 'timeout' : 'transport', status: 0 };
      result =
        failure.kind === 'timeout'
          ? unknown('TIMEOUT', `no complete reply within ${timeoutMs} ms: the outcome is unknown; inquire (never pay again)`, res?.status ?? null, attempt, err)
          : unknown(
              'TRANSPORT_ERROR',
              `the request could not be sent or its reply not read${causeCode(err)}: the outcome is unknown; inquire (never pay again)`,
              res?.status ?? null,
              attempt,
              err,
            );
    }
    if (body !== undefined) {
      event.responseBodyLen = body.byteLength;
      if (options.includeBodies) event.responseBody = wasm.maskBody(body);
      // A reply: the core decides. A reply that fails verification throws its AntomError.
      let response;
      try {
        response = await verify(request.path, res.headers, body);
      } catch (err) {
        event.durationMs = Math.floor(performance.now() - attemptStarted);
        event.errorCode = err instanceof AntomError ? err.code : 'VERIFY_FAILED';
        report(event, options, span);
        endSpan(span, event);
        throw err;
      }
      event.durationMs = Math.floor(performance.now() - attemptStarted);
      event.resultStatus = response.resultStatus ?? null;
      event.resultCode = response.resultCode ?? null;
      event.outcome = response.outcome;
      report(event, options, span);
      endSpan(span, event);
      return { outcome: response.outcome, response, httpStatus: res.status, error: null, attempts: attempt };
    }
    event.durationMs = Math.floor(performance.now() - attemptStarted);
    event.errorCode = result.error.code;
    event.outcome = 'UNKNOWN';
    const decision = wasm.decideRetry(
      policy,
      request.path,
      requestBody,
      attempt,
      elapsedMs(),
      failure.kind,
      failure.status,
      randomSafeInteger(),
    );
    event.retry = decision.reason;
    if (decision.retry) event.retryDelayMs = decision.delayMs;
    report(event, options, span);
    if (!decision.retry) {
      endSpan(span, event);
      return result;
    }
    await sleep(decision.delayMs);
    const next = wasm.attemptTimeoutMs(policy, elapsedMs());
    if (next === undefined) {
      endSpan(span, event);
      return result;
    }
    timeoutMs = next;
  }
}

module.exports = {
  DEFAULT_TIMEOUT_MS,
  MAX_RETRIES,
  sendOptions,
  exchange,
  retryPolicy,
  simpleRetryPolicy,
  decideRetry,
  attemptTimeoutMs,
  spanName: (path) => wasm.spanName(path),
  maskBody: (body) => wasm.maskBody(typeof body === 'string' ? Buffer.from(body, 'utf8') : body),
  DEFAULT_RETRY_POLICY: policyObject(wasm.defaultRetryPolicy()),
  SEND_EVENT_ATTRIBUTES: ATTRIBUTE_KEYS,
};
