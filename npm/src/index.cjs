'use strict';
// antom-core for Node.js: the idiomatic JavaScript face of the WebAssembly glue.
//
// This file converts types and nothing else: headers (IncomingHttpHeaders, rawHeaders, fetch
// Headers, pairs) become a flat list, bodies become bytes, `requestTime` becomes a bigint,
// results become plain data objects whose string forms (inspect, toString, toJSON) use the
// core's redaction rule. Every protocol rule runs in antom-core (or its WebAssembly glue): the
// body size limit, which engine runs RSA and whether it may fall back, what is redacted.

const SERVER_ONLY =
  'antom-core is server-only: it signs with your Antom private key, which must never be ' +
  'shipped to a browser. Use it in Node.js on your server and call your server from the page.';

// workerd (Cloudflare Workers) has no process.versions: its entry says so (wasm-module.cjs).
const { runtime: RUNTIME } = require('./wasm-module.cjs');
if (
  (typeof window !== 'undefined' && typeof window.document !== 'undefined') ||
  (RUNTIME !== 'workerd' && (typeof process === 'undefined' || !process.versions || !process.versions.node))
) {
  throw new Error(SERVER_ONLY);
}

const { inspect } = require('node:util');
const { AntomError, hostSignAsync } = require('./host.cjs');
const wasm = require('./antom_wasm.js');
const {
  DEFAULT_TIMEOUT_MS,
  MAX_RETRIES,
  DEFAULT_RETRY_POLICY,
  SEND_EVENT_ATTRIBUTES,
  sendOptions,
  exchange,
  retryPolicy,
  simpleRetryPolicy,
  decideRetry,
  attemptTimeoutMs,
  spanName,
  maskBody,
} = require('./send.cjs');
const webcrypto = require('./webcrypto.cjs');
const transfers = require('./transfers.cjs');
const wait = require('./wait.cjs');
// On workerd the webhook handlers and send verify on WebCrypto (verify*Async); elsewhere on
// node:crypto, synchronously.
const VERIFY_ASYNC = RUNTIME === 'workerd';
const webhooks = require('./webhooks.cjs');

const INTERNAL = Symbol('antom-core.internal');

/** `true` for the node:crypto engine (the default), `false` for pure WebAssembly. */
function useNode(engine) {
  if (engine === undefined || engine === null || engine === 'node') return true;
  if (engine === 'wasm') return false;
  throw new TypeError('engine must be "node" (the default) or "wasm"');
}

function fallbackOf(value) {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'boolean') throw new TypeError('engineFallback must be a boolean');
  return value;
}

/** Per-call key options: `[node, fallback]`. */
function engineOf(options) {
  if (options === undefined || options === null) return [true, true];
  if (typeof options !== 'object') throw new TypeError('options must be an object like { engine: "wasm" }');
  return [useNode(options.engine), fallbackOf(options.engineFallback)];
}

function maxBodyBytesOf(value) {
  if (value === undefined || value === null) return undefined;
  // A wasm32 usize: the WebAssembly memory cannot hold more anyway.
  if (Number.isSafeInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  throw new TypeError('maxBodyBytes must be an integer from 0 to 4294967295');
}

/**
 * The byte length of a body argument, read without copying it (a string's UTF-8 length is
 * counted, not encoded), so an oversized body is refused before it reaches WebAssembly memory.
 */
function bodyLength(value, what) {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  throw new TypeError(`${what} must be a Buffer, Uint8Array or string (the raw bytes, not a parsed object)`);
}

function epochMillisOption(value, what) {
  if (value instanceof Date) value = value.getTime();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n && value <= MAX_U64) return value;
  throw new TypeError(`${what} must be milliseconds: a non-negative integer or bigint`);
}

/** `{ maxAgeMs, nowMs }` of verifyNotification: `[nowMs, maxAgeMs]` as bigints, or undefineds. */
function freshnessOf(options) {
  if (options === undefined || options === null) return [undefined, undefined];
  if (typeof options !== 'object') throw new TypeError('options must be an object like { maxAgeMs: 600000 }');
  const { maxAgeMs, nowMs } = options;
  if (maxAgeMs === undefined || maxAgeMs === null) {
    if (nowMs !== undefined && nowMs !== null) throw new TypeError('nowMs needs maxAgeMs');
    return [undefined, undefined];
  }
  const max = epochMillisOption(maxAgeMs, 'maxAgeMs');
  const now = nowMs === undefined || nowMs === null ? BigInt(Date.now()) : epochMillisOption(nowMs, 'nowMs');
  return [now, max];
}

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what} must be a Buffer, Uint8Array or string (the raw bytes, not a parsed object)`);
}

function binary(value, what) {
  if (typeof value === 'string') throw new TypeError(`${what} must be DER bytes (Buffer or Uint8Array)`);
  return bytes(value, what);
}

function text(value, what) {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

function optionalText(value, what) {
  if (value === undefined || value === null) return undefined;
  return text(value, what);
}

function asBuffer(u8) {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * Headers as a flat [name, value, ...] list. Accepts Node's IncomingHttpHeaders (array values
 * become repeated headers), `req.rawHeaders`, a fetch Headers (or any iterable of pairs, such
 * as a Map) and an array of [name, value] pairs. Names and values pass through unchanged.
 *
 * With `wanted` (the core's NOTIFICATION_HEADERS or RESPONSE_HEADERS, lower case), only the
 * headers whose lower-cased name contains one of those names are passed: a superset of what
 * the core matches (ASCII case-insensitively, after trimming the name), so the core still sees
 * every candidate, repeated ones included, and decides; nothing else is converted or copied.
 */
function headerList(headers, wanted) {
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError('headers must be an object (req.headers), a fetch Headers, or [name, value] pairs');
  }
  const keep = wanted === undefined ? () => true : wanted.test;
  const flat = [];
  if (Array.isArray(headers)) {
    if (headers.every((item) => typeof item === 'string')) {
      if (headers.length % 2 !== 0) throw new TypeError('a flat header list (rawHeaders) needs an even length');
      if (wanted === undefined) return headers.slice();
      for (let i = 0; i < headers.length; i += 2) {
        if (keep(headers[i])) flat.push(headers[i], headers[i + 1]);
      }
      return flat;
    }
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('header pairs must be [name, value] arrays');
      const name = String(pair[0]);
      if (keep(name)) flat.push(name, String(pair[1]));
    }
    return flat;
  }
  if (wanted !== undefined && FetchHeaders !== undefined && headers instanceof FetchHeaders) {
    // A fetch Headers holds lower-case names, one entry per name (repeats joined with ", "),
    // exactly what iterating it would give for these names; get() skips the iteration.
    for (let i = 0; i < wanted.names.length; i += 1) {
      const value = headers.get(wanted.names[i]);
      if (value !== null) flat.push(wanted.names[i], value);
    }
    return flat;
  }
  if (typeof headers[Symbol.iterator] === 'function') {
    for (const [name, value] of headers) {
      const text = String(name);
      if (keep(text)) flat.push(text, String(value));
    }
    return flat;
  }
  for (const name of Object.keys(headers)) {
    if (!keep(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) flat.push(name, String(item));
    } else {
      flat.push(name, String(value));
    }
  }
  return flat;
}

const FetchHeaders = typeof Headers === 'function' ? Headers : undefined;

/**
 * The `wanted` of headerList for the core's lower-case header names: `test(name)` is true when
 * `name` contains one of them, ASCII case-insensitively (a superset of the core's match, which
 * is ASCII case-insensitive equality after trimming); `names` lists them.
 */
function wantedHeaders(names) {
  const pattern = names.map((name) => name.replace(/[^a-z0-9]/g, (c) => `\\${c}`)).join('|');
  const contains = RegExp.prototype.test.bind(new RegExp(pattern, 'i'));
  const shortest = Math.min(...names.map((name) => name.length));
  // Node's lower-case names are found by equality; only other names reach the pattern.
  const test = (name) => names.includes(name) || (name.length >= shortest && contains(name));
  return Object.freeze({ names: Object.freeze(names), test });
}

// The glue's framing (framed_pairs / Frame in bindings/antom-wasm): each string as a
// little-endian u32 byte length, then its UTF-8 bytes. One buffer crosses into WebAssembly
// instead of one string per header, and one comes back instead of one object per field.
let scratch = Buffer.allocUnsafe(4096);

/** `[name, value, ...]` framed into one buffer (valid until the next call). */
function headerFrame(flat) {
  let need = 0;
  for (let i = 0; i < flat.length; i += 1) need += 4 + flat[i].length * 3; // UTF-8 upper bound
  if (need > scratch.length) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  let at = 0;
  for (let i = 0; i < flat.length; i += 1) {
    const written = scratch.write(flat[i], at + 4, 'utf8');
    scratch.writeUInt32LE(written, at);
    at += 4 + written;
  }
  const frame = scratch.subarray(0, at);
  if (scratch.length > 65536) scratch = Buffer.allocUnsafe(4096); // a hostile header is not kept
  return frame;
}

const ABSENT = 0xffffffff;

/**
 * Reads a verdict framed by the glue's `Frame`: the head's flags and UTF-16 lengths, the texts
 * decoded with one call; `flag()` and `next()` give each flag and text (or null) in order.
 */
function frameReader(u8, start = 0, end = u8.byteLength) {
  const buf = Buffer.isBuffer(u8) ? u8 : asBuffer(u8);
  const textsAt = start + 4 + readU32(buf, start);
  const texts = buf.toString('utf8', textsAt, end);
  let at = start + 4;
  let cursor = 0;
  return {
    flag() {
      at += 1;
      return buf[at - 1] === 1;
    },
    next() {
      const len = readU32(buf, at);
      at += 4;
      if (len === ABSENT) return null;
      cursor += len;
      return texts.slice(cursor - len, cursor);
    },
  };
}

const NOTIFICATION_HEADERS = wantedHeaders(wasm.notificationHeaders());
const RESPONSE_HEADERS = wantedHeaders(wasm.responseHeaders());

// The glue's shared buffers (io_buffer.rs) for the synchronous verify calls: the path, the
// framed headers and the body are written straight into WebAssembly memory and the verdict is
// read from there, so the generated bindings allocate, copy and free nothing per call. Only
// public data passes (never a key); the memory object stays inside this module.
const ioMemory = wasm.ioMemory();
let ioView = null;
let ioPathLength = 0;
let ioHeadersLength = 0;

/** A Buffer over the whole WebAssembly memory (a new one after the memory grew). */
function memoryView() {
  // Growing the memory detaches its old buffer, which leaves the old view empty.
  if (ioView === null || ioView.length === 0) ioView = Buffer.from(ioMemory.buffer);
  return ioView;
}

/**
 * Writes `path`, the `[name, value, ...]` list framed as headerFrame frames it and `body` into
 * the glue's input buffer; their byte lengths are left in ioPathLength / ioHeadersLength.
 */
function ioInput(path, flat, body) {
  let need = path.length * 3 + body.byteLength; // UTF-8 upper bounds
  for (let i = 0; i < flat.length; i += 1) need += 4 + flat[i].length * 3;
  const start = wasm.ioInput(need);
  const mem = memoryView(); // after ioInput, which may have grown the memory
  ioPathLength = writeUtf8(mem, path, start);
  let at = start + ioPathLength;
  for (let i = 0; i < flat.length; i += 1) {
    const written = writeUtf8(mem, flat[i], at + 4);
    writeU32(mem, written, at);
    at += 4 + written;
  }
  ioHeadersLength = at - start - ioPathLength;
  mem.set(body, at);
}

/** `buf.writeUInt32LE(value, at)` for an offset known to be in range, without its checks. */
function writeU32(buf, value, at) {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
  buf[at + 2] = (value >>> 16) & 0xff;
  buf[at + 3] = value >>> 24;
}

/** `buf.readUInt32LE(at)` for an offset known to be in range, without its checks. */
function readU32(buf, at) {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16)) + buf[at + 3] * 0x1000000;
}

/**
 * `mem.write(text, at, 'utf8')`: a short ASCII text is copied here, which is quicker than the
 * call into Node for it; anything else is left to Node.
 */
function writeUtf8(mem, text, at) {
  const length = text.length;
  if (length > 48) return mem.write(text, at, 'utf8');
  for (let i = 0; i < length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit > 0x7f) return mem.write(text, at, 'utf8');
    mem[at + i] = unit;
  }
  return length;
}

/** The reader of a verdict the glue left in its output buffer at `at` (see frameReader). */
function ioOutput(at) {
  const mem = memoryView();
  return frameReader(mem, at + 4, at + 4 + readU32(mem, at));
}

/** The verified body handed back: the caller's own bytes (the ones the core verified), as a Buffer. */
function bodyBuffer(u8) {
  return Buffer.isBuffer(u8) ? u8 : asBuffer(u8);
}

const MAX_U64 = 0xffffffffffffffffn;

function epochMillis(value) {
  if (value === undefined || value === null) return BigInt(Date.now());
  if (value instanceof Date) value = value.getTime();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n && value <= MAX_U64) return value;
  throw new TypeError('requestTime must be epoch milliseconds: a non-negative integer, bigint or Date');
}

function keyVersionOf(value) {
  if (value === undefined || value === null) return undefined;
  if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  throw new TypeError('keyVersion must be an integer from 0 to 4294967295');
}

function freed(what) {
  return new Error(`this ${what} was freed with free()`);
}

// ---- results: plain data, printed through the core's redaction rule --------------------------

/** Header values as they may be shown: the core's `redact_header`. */
function shownHeaders(headers) {
  const shown = {};
  for (const name of Object.keys(headers)) shown[name] = wasm.redactHeader(name, headers[name]);
  return shown;
}

/** A body as it may be shown: the core's `describe_body` (`<N bytes>`). */
function shownBody(body) {
  return wasm.describeBody(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
}

/** `inspect`, `toString` and `toJSON` of a result class, from its redacted view. */
function printable(Class) {
  Object.defineProperties(Class.prototype, {
    toString: {
      value() {
        return `${Class.name} ${inspect(this.toJSON(), { depth: 4, breakLength: Infinity })}`;
      },
      configurable: true,
      writable: true,
    },
    [inspect.custom]: {
      value(depth, options) {
        return `${Class.name} ${inspect(this.toJSON(), { ...options, depth: 4 })}`;
      },
      configurable: true,
      writable: true,
    },
  });
}

/**
 * A request ready for `fetch(request.url, request)`. `toString()`, `util.inspect` and `toJSON()`
 * show `Authorization` / `Agent-Token` as `<redacted>` and the body as its length.
 */
class PreparedRequest {
  constructor(token, fields) {
    if (token !== INTERNAL) throw new TypeError('PreparedRequest comes from client.prepare()');
    Object.assign(this, fields);
  }

  toJSON() {
    return {
      method: this.method,
      url: this.url,
      path: this.path,
      headers: shownHeaders(this.headers),
      body: shownBody(this.body),
      engine: this.engine,
    };
  }
}
printable(PreparedRequest);

/** A response whose authenticity has been settled; string forms show the body's length only. */
class ApiResponse {
  /** From the glue's framed verdict (verifyResponse, finishVerify), read by `r` in its order. */
  constructor(token, r, received) {
    if (token !== INTERNAL) throw new TypeError('ApiResponse comes from client.verifyResponse()');
    this.verified = r.flag();
    const isSuccess = r.flag();
    this.resultStatus = r.next();
    this.resultCode = r.next();
    this.resultMessage = r.next();
    this.nextAction = r.next(); // the core's: every unverified response is INQUIRE
    this.isSuccess = isSuccess;
    this.body = bodyBuffer(received);
    this.engine = r.next();
    this.outcome = r.next(); // the core's: every unverified response is UNKNOWN
    this.verifiedBy = keyIdOf(r);
  }

  /** `JSON.parse` of `body`. */
  json() {
    return JSON.parse(this.body.toString('utf8'));
  }

  toJSON() {
    return {
      verified: this.verified,
      resultStatus: this.resultStatus,
      resultCode: this.resultCode,
      resultMessage: this.resultMessage,
      nextAction: this.nextAction,
      isSuccess: this.isSuccess,
      outcome: this.outcome,
      verifiedBy: this.verifiedBy,
      body: shownBody(this.body),
      engine: this.engine,
    };
  }
}
printable(ApiResponse);

/** A verified notification; string forms show the body's length only. */
class Notification {
  /** From the glue's framed verdict (verifyNotification, finishVerify), read by `n` in its order. */
  constructor(token, n, received) {
    if (token !== INTERNAL) throw new TypeError('Notification comes from client.verifyNotification()');
    this.notifyType = n.next();
    this.resultStatus = n.next();
    this.clientId = n.next();
    this.requestTime = n.next();
    this.dedupKey = n.next();
    this.body = bodyBuffer(received);
    this.engine = n.next();
    this.outcome = n.next();
    this.verifiedBy = keyIdOf(n);
  }

  /** `JSON.parse` of `body`. */
  json() {
    return JSON.parse(this.body.toString('utf8'));
  }

  toJSON() {
    return {
      notifyType: this.notifyType,
      resultStatus: this.resultStatus,
      clientId: this.clientId,
      requestTime: this.requestTime,
      dedupKey: this.dedupKey,
      outcome: this.outcome,
      verifiedBy: this.verifiedBy,
      body: shownBody(this.body),
      engine: this.engine,
    };
  }
}
printable(Notification);

/** An `ApiResponse` from the glue's framed verdict, read by `r`. */
function apiResponseOf(r, received) {
  return new ApiResponse(INTERNAL, r, received);
}

/** `verifiedBy` from its two framed texts: `{ keyVersion, fingerprint }`, or null. */
function keyIdOf(frame) {
  const version = frame.next();
  const fingerprint = frame.next();
  if (fingerprint === null) return null;
  return { keyVersion: version === null ? null : Number(version), fingerprint };
}

/** A `Notification` from the glue's framed verdict, read by `n`. */
function notificationOf(n, received) {
  return new Notification(INTERNAL, n, received);
}

/** A request from the glue as plain data; the glue's copy is wiped. */
function preparedRequest(prepared) {
  try {
    const flat = prepared.headers();
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    return new PreparedRequest(INTERNAL, {
      method: prepared.method,
      url: prepared.url,
      path: prepared.path,
      headers,
      body: prepared.body,
      engine: prepared.engine ?? null,
    });
  } finally {
    prepared.free(); // wipes the headers (the API key in API-key mode) in WebAssembly memory
  }
}

let innerPrivate;
let innerPublic;
let checkLength;

/**
 * A merchant's RSA private key. Parsed and validated by antom-core; it cannot be read back
 * out, and `toString()` / `util.inspect` print only its size.
 */
class PrivateKey {
  #inner;

  constructor(token, inner) {
    if (token !== INTERNAL) throw new TypeError('use PrivateKey.parse(text) or PrivateKey.fromDer(der)');
    this.#inner = inner;
  }

  static {
    innerPrivate = (key) => key.#live();
  }

  static parse(keyText) {
    return new PrivateKey(INTERNAL, wasm.PrivateKey.parse(text(keyText, 'the private key text')));
  }

  static fromDer(der) {
    return new PrivateKey(INTERNAL, wasm.PrivateKey.fromDer(binary(der, 'the private key DER')));
  }

  get bits() {
    return this.#live().bits;
  }

  publicKey() {
    return new PublicKey(INTERNAL, this.#live().publicKey());
  }

  sign(content, options) {
    const [node, fallback] = engineOf(options);
    const inner = this.#live();
    return typeof content === 'string'
      ? inner.signText(content, node, fallback)
      : inner.sign(binary(content, 'content'), node, fallback);
  }

  /**
   * As `sign`, with the RSA operation on node:crypto's thread pool (`crypto.sign`'s callback
   * form), off the event loop; the same signature value as `sign`. With `engine: 'wasm'` (or a
   * key node:crypto refuses) it signs as `sign` does, on the event loop.
   */
  async signAsync(content, options) {
    const [node, fallback] = engineOf(options);
    const inner = this.#live();
    const input = typeof content === 'string' ? Buffer.from(content, 'utf8') : binary(content, 'content');
    const key = inner.hostKey(node);
    if (key === undefined) return inner.sign(input, node, fallback);
    let signature;
    try {
      signature = await hostSignAsync(key, input);
    } catch {
      return this.#live().signAfterHostFailure(input, fallback);
    }
    return this.#live().finishSign(signature);
  }

  free() {
    if (this.#inner) this.#inner.free();
    this.#inner = undefined;
  }

  toString() {
    return this.#inner ? this.#inner.describe() : 'PrivateKey(<freed>)';
  }

  toJSON() {
    return this.toString();
  }

  [inspect.custom]() {
    return this.toString();
  }

  #live() {
    if (!this.#inner) throw freed('PrivateKey');
    return this.#inner;
  }
}

/** An RSA public key: Antom's (to verify responses and notifications) or your own. */
class PublicKey {
  #inner;

  constructor(token, inner) {
    if (token !== INTERNAL) throw new TypeError('use PublicKey.parse(text) or PublicKey.fromDer(der)');
    this.#inner = inner;
  }

  static {
    innerPublic = (key) => key.#live();
  }

  static parse(keyText) {
    return new PublicKey(INTERNAL, wasm.PublicKey.parse(text(keyText, 'the public key text')));
  }

  static fromDer(der) {
    return new PublicKey(INTERNAL, wasm.PublicKey.fromDer(binary(der, 'the public key DER')));
  }

  get bits() {
    return this.#live().bits;
  }

  toDer() {
    return asBuffer(this.#live().toDer());
  }

  toBase64() {
    return this.#live().toBase64();
  }

  fingerprint() {
    return this.#live().fingerprint();
  }

  equals(other) {
    return other instanceof PublicKey && this.#live().equals(innerPublic(other));
  }

  verify(content, signature, options) {
    const [node, fallback] = engineOf(options);
    const inner = this.#live();
    text(signature, 'signature');
    return typeof content === 'string'
      ? inner.verifyText(content, signature, node, fallback)
      : inner.verify(binary(content, 'content'), signature, node, fallback);
  }

  free() {
    if (this.#inner) this.#inner.free();
    this.#inner = undefined;
  }

  toString() {
    return this.#inner ? this.#inner.describe() : 'PublicKey(<freed>)';
  }

  toJSON() {
    return this.toBase64();
  }

  [inspect.custom]() {
    return this.toString();
  }

  #live() {
    if (!this.#inner) throw freed('PublicKey');
    return this.#inner;
  }
}

/**
 * A key argument: an instance (borrowed) or key text (parsed here). `release()` frees what was
 * parsed here; whatever the key was handed to keeps its own reference.
 */
function keyArgument(value, Class, inner, what) {
  if (value instanceof Class) return { inner: inner(value), release() {} };
  if (typeof value === 'string') {
    const key = Class.parse(value);
    return { inner: inner(key), release: () => key.free() };
  }
  throw new TypeError(`${what} must be the key text (string) or a ${Class.name}`);
}

/**
 * The glue's key ring from `antomPublicKeys` (a list of key texts, `PublicKey`s or
 * `{ key, keyVersion }`) or `antomPublicKey` (one key, untagged). The ring's rules (size,
 * duplicates, which key a keyVersion selects) are the core's; `keys` collects what to release.
 */
function keyRingOf(list, one, keys) {
  const ring = new wasm.KeyRing();
  try {
    if (list !== undefined && list !== null) {
      if (one !== undefined && one !== null) {
        throw new TypeError('pass antomPublicKey (one key) or antomPublicKeys (a key ring), not both');
      }
      if (!Array.isArray(list)) throw new TypeError('antomPublicKeys must be an array');
      list.forEach((member, i) => {
        const tagged = member !== null && typeof member === 'object' && !(member instanceof PublicKey);
        const key = keyArgument(tagged ? member.key : member, PublicKey, innerPublic, `antomPublicKeys[${i}]`);
        keys.push(key);
        ring.add(key.inner, tagged ? keyVersionOf(member.keyVersion) : undefined);
      });
    } else {
      const key = keyArgument(one, PublicKey, innerPublic, 'antomPublicKey');
      keys.push(key);
      ring.add(key.inner, undefined);
    }
    return ring;
  } catch (error) {
    ring.free();
    throw error;
  }
}

/**
 * A configured Antom client: prepares signed requests and verifies responses and
 * notifications. Only `send` performs IO (fetch); `prepare` / `verifyResponse` leave the HTTP to you.
 */
class Client {
  #inner;
  #signer;
  #node;
  #fallback;
  #maxBodyBytes;
  /** verify*Async's CryptoKeys, by position in the key ring (webcrypto.cjs). */
  #webKeys = new Map();

  constructor(options) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('new Client({ clientId, privateKey | apiKey | signer, antomPublicKey, ... })');
    }
    const {
      clientId,
      privateKey,
      apiKey,
      antomPublicKey,
      region,
      environment,
      gatewayUrl,
      keyVersion,
      agentToken,
      maxBodyBytes,
    } = options;
    this.#node = useNode(options.engine);
    this.#fallback = fallbackOf(options.engineFallback);
    text(clientId, 'clientId');
    const hasPrivateKey = privateKey !== undefined && privateKey !== null;
    const hasApiKey = apiKey !== undefined && apiKey !== null;
    const hasSigner = options.signer !== undefined && options.signer !== null;
    const hasMerchantKey = options.merchantPublicKey !== undefined && options.merchantPublicKey !== null;
    if ([hasPrivateKey, hasApiKey, hasSigner].filter(Boolean).length > 1) {
      throw new TypeError('pass one of privateKey, apiKey or signer (none: a verify-only client)');
    }
    if (hasSigner && typeof options.signer !== 'function') {
      throw new TypeError('signer must be a function ({ message, digest }) => Uint8Array | Promise<Uint8Array>');
    }
    if (hasMerchantKey && !hasSigner) {
      throw new TypeError('merchantPublicKey goes with signer (the external key\'s public half, to check its signatures)');
    }
    const settings = [
      optionalText(region, 'region'),
      optionalText(environment, 'environment'),
      optionalText(gatewayUrl, 'gatewayUrl'),
      keyVersionOf(keyVersion),
      optionalText(agentToken, 'agentToken'),
      maxBodyBytesOf(maxBodyBytes),
      this.#node,
      this.#fallback,
    ];
    const keys = [];
    let antom;
    try {
      antom = { inner: keyRingOf(options.antomPublicKeys, antomPublicKey, keys) };
      if (hasPrivateKey) {
        const own = keyArgument(privateKey, PrivateKey, innerPrivate, 'privateKey');
        keys.push(own);
        this.#inner = wasm.Client.withPrivateKey(clientId, own.inner, antom.inner, ...settings);
      } else if (hasApiKey) {
        this.#inner = wasm.Client.withApiKey(clientId, text(apiKey, 'apiKey'), antom.inner, ...settings);
      } else if (hasSigner) {
        let merchantDer;
        if (hasMerchantKey) {
          const merchant = keyArgument(options.merchantPublicKey, PublicKey, innerPublic, 'merchantPublicKey');
          keys.push(merchant);
          merchantDer = merchant.inner.toDer();
        }
        this.#inner = wasm.Client.withExternalSigner(clientId, merchantDer, antom.inner, ...settings);
        this.#signer = options.signer;
      } else {
        this.#inner = wasm.Client.verifyOnly(clientId, antom.inner, ...settings);
      }
    } finally {
      if (antom !== undefined) antom.inner.free();
      for (const key of keys) key.release();
    }
    this.#maxBodyBytes = this.#inner.maxBodyBytes;
  }

  get clientId() {
    return this.#live().clientId;
  }

  get environment() {
    return this.#live().environment;
  }

  get gatewayUrl() {
    return this.#live().gatewayUrl;
  }

  get usesApiKey() {
    return this.#live().usesApiKey;
  }

  get isVerifyOnly() {
    return this.#live().isVerifyOnly;
  }

  /** `true` for a client built with `signer`: requests are prepared with `prepareAsync`. */
  get usesSigner() {
    this.#live();
    return this.#signer !== undefined;
  }

  /** The configured engine; each result's `engine` says which one actually ran. */
  get engine() {
    return this.#node ? 'node' : 'wasm';
  }

  /** `false`: a key or operation node:crypto refuses is an error, never a switch to WebAssembly. */
  get engineFallback() {
    return this.#fallback;
  }

  /** The largest body prepared or verified, in bytes. */
  get maxBodyBytes() {
    return this.#maxBodyBytes;
  }

  antomPublicKey() {
    return new PublicKey(INTERNAL, this.#live().antomPublicKey());
  }

  resolvePath(api) {
    return this.#live().resolvePath(text(api, 'api'));
  }

  /**
   * Refuses a body over `maxBodyBytes` from its length alone, before it is copied into
   * WebAssembly memory; the error (code and wording) is the core's.
   */
  #checkSize(kind, body) {
    this.#checkLength(kind, bodyLength(body, 'body'));
  }

  /** `[maxBodyBytes, refuse(length)]` for a reply read here. */
  #limits() {
    return [this.#maxBodyBytes, (length) => this.#checkLength('response', length)];
  }

  /** Throws the core's refusal for a `kind` body of `length` bytes over `maxBodyBytes`. */
  #checkLength(kind, length) {
    if (length > this.#maxBodyBytes) this.#live().checkBodySize(kind, length);
  }

  static {
    checkLength = (client, kind, length) => client.#checkLength(kind, length);
  }

  /**
   * Prepares (off the event loop, as `prepareAsync`), sends exactly the prepared bytes and
   * headers with `fetch` under a deadline, and verifies the reply. Resolves to
   * `{ outcome, response, httpStatus, error, attempts }`: a transport error, a timeout or a
   * non-2xx status is `outcome: 'UNKNOWN'` with `error.code` `TRANSPORT_ERROR` / `TIMEOUT` /
   * `HTTP_STATUS` (never thrown: the request may have taken effect). A reply that fails
   * verification throws its `AntomError` (the outcome is unknown then too: inquire).
   */
  async send(api, body, options) {
    const settings = sendOptions(options);
    const request = await this.prepareAsync(api, body, settings.requestTime);
    return exchange(
      request,
      settings,
      this.#maxBodyBytes,
      (path, headers, bytes) =>
        VERIFY_ASYNC ? this.verifyResponseAsync(path, headers, bytes) : this.verifyResponse(path, headers, bytes),
      (length) => this.#checkLength('response', length),
    );
  }

  /**
   * Uploads a product image (`billing/product/uploadImage`): the core checks the size (before a
   * path is read), signs the JSON part and builds the multipart body for the big-file host;
   * the reply is verified as `verifyResponse` does (throwing as it does).
   */
  async uploadImage(productId, file, options) {
    return transfers.uploadImage(this.#live(), this.#limits(), (path, headers, bytes) =>
      this.verifyResponse(path, headers, bytes), productId, file, options);
  }

  /**
   * Uploads meter events in `sessionId` (from `meter.createSession`): unsigned both ways, so
   * the reply is `{ status, verified: false, outcome: 'UNKNOWN', resultStatus, resultCode, body }`
   * and never proof; reconcile through the signed billing/meter inquiry APIs.
   */
  async uploadEvent(sessionId, body, options) {
    return transfers.uploadEvent(this.#live(), this.#limits(), sessionId, body, options);
  }

  /**
   * Inquires (`inquiryPayment`, or the inquiry of `options.api`) through `send` until the
   * outcome is final or the deadline: the core picks the inquiry, the waits and when to stop.
   * Resolves to `{ outcome, response, inquiries, reason }`; `DEADLINE_REACHED` with `PENDING` or
   * `UNKNOWN` means inquire again later, never pay again.
   */
  async waitForOutcome(requestId, options) {
    return wait.waitForOutcome(this, requestId, options);
  }

  prepare(api, body, requestTime) {
    const inner = this.#live();
    const [time, input] = this.#requestArguments(api, body, requestTime);
    return preparedRequest(
      typeof input === 'string' ? inner.prepareText(api, input, time) : inner.prepare(api, input, time),
    );
  }

  /**
   * As `prepare`, with the RSA signature made off the event loop: on `node:crypto`'s thread
   * pool for a private key, or by the `signer` of an external-signer client. Resolves to the
   * same request, byte for byte, as `prepare`.
   */
  async prepareAsync(api, body, requestTime) {
    const inner = this.#live();
    const [time, input] = this.#requestArguments(api, body, requestTime);
    const pending = inner.beginPrepare(api, typeof input === 'string' ? Buffer.from(input, 'utf8') : input, time);
    let consumed = false;
    try {
      const message = pending.message;
      let signature;
      let failure;
      let cause;
      if (message !== undefined) {
        const key = pending.hostKey;
        if (key !== undefined) {
          try {
            signature = await hostSignAsync(key, message);
          } catch {
            failure = 'host';
          }
        } else {
          try {
            const out = await this.#signer({ message, digest: pending.digest });
            if (!(out instanceof Uint8Array)) failure = 'type';
            else if (out.length > MAX_SIGNER_ANSWER_BYTES) failure = 'size';
            else signature = out;
          } catch (err) {
            failure = 'threw';
            cause = err;
          }
        }
      }
      const live = this.#live();
      consumed = true; // finishPrepare takes ownership of pending, even when it throws
      try {
        return preparedRequest(live.finishPrepare(pending, signature, failure));
      } catch (err) {
        if (cause !== undefined && err instanceof AntomError) {
          Object.defineProperty(err, 'cause', { value: cause, configurable: true, writable: true });
        }
        throw err;
      }
    } finally {
      if (!consumed) pending.free();
    }
  }

  /** The checked arguments of prepare / prepareAsync: `[requestTime as bigint, body]`. */
  #requestArguments(api, body, requestTime) {
    text(api, 'api');
    const time = epochMillis(requestTime);
    if (typeof body !== 'string') binary(body, 'body');
    this.#checkSize('request', body);
    return [time, typeof body === 'string' ? body : binary(body, 'body')];
  }

  verifyResponse(path, headers, body) {
    const inner = this.#live();
    text(path, 'path');
    const flat = headerList(headers, RESPONSE_HEADERS);
    this.#checkSize('response', body);
    const received = bytes(body, 'body');
    // One crossing; the core's verdict, framed in order (see the glue's verifyResponse).
    ioInput(path, flat, received);
    return apiResponseOf(ioOutput(inner.verifyResponse(ioPathLength, ioHeadersLength, received.byteLength)), received);
  }

  /**
   * As `verifyResponse`, with the RSA check on the runtime's WebCrypto (`crypto.subtle`),
   * awaited: for runtimes whose crypto is asynchronous (workerd). antom-core decides
   * everything else, and which keys are tried; `engine` is `"webcrypto"` (or `"wasm"`).
   */
  async verifyResponseAsync(path, headers, body) {
    const inner = this.#live();
    text(path, 'path');
    const flat = headerList(headers, RESPONSE_HEADERS);
    this.#checkSize('response', body);
    const received = bytes(body, 'body');
    const pending = inner.beginVerifyResponse(path, headerFrame(flat), received);
    return apiResponseOf(frameReader(await this.#finishVerify(pending)), received);
  }

  /** As `verifyNotification`, with the RSA check on WebCrypto (see `verifyResponseAsync`). */
  async verifyNotificationAsync(path, headers, body, options) {
    const inner = this.#live();
    text(path, 'path');
    const flat = headerList(headers, NOTIFICATION_HEADERS);
    const [nowMs, maxAgeMs] = freshnessOf(options);
    this.#checkSize('notification', body);
    const received = bytes(body, 'body');
    const pending = inner.beginVerifyNotification(path, headerFrame(flat), received, nowMs, maxAgeMs);
    return notificationOf(frameReader(await this.#finishVerify(pending)), received);
  }

  /**
   * The rest of verify*Async: WebCrypto runs the checks the core hands out (its first; the
   * others in the key ring's order only when that one fails), the core decides.
   */
  async #finishVerify(pending) {
    let current = pending;
    try {
      for (;;) {
        const verdict = current.verdict;
        if (verdict !== undefined) return verdict;
        const [index, failed] = await webcrypto.runChecks(current, this.#webKeys);
        const live = this.#live();
        const step = current;
        current = undefined; // finishVerify takes ownership of it, even when it throws
        current = live.finishVerify(step, index, failed);
      }
    } finally {
      current?.free();
    }
  }

  verifyNotification(path, headers, body, options) {
    const inner = this.#live();
    text(path, 'path');
    const flat = headerList(headers, NOTIFICATION_HEADERS);
    const [nowMs, maxAgeMs] = freshnessOf(options);
    this.#checkSize('notification', body);
    const received = bytes(body, 'body');
    ioInput(path, flat, received);
    const at = inner.verifyNotification(ioPathLength, ioHeadersLength, received.byteLength, nowMs, maxAgeMs);
    return notificationOf(ioOutput(at), received);
  }

  free() {
    if (this.#inner) this.#inner.free();
    this.#inner = undefined;
  }

  toString() {
    return this.#inner ? this.#inner.describe() : 'Client(<freed>)';
  }

  toJSON() {
    return this.toString();
  }

  [inspect.custom]() {
    return this.toString();
  }

  #live() {
    if (!this.#inner) throw freed('Client');
    return this.#inner;
  }
}

if (typeof Symbol.dispose === 'symbol') {
  for (const Class of [PrivateKey, PublicKey, Client]) {
    Object.defineProperty(Class.prototype, Symbol.dispose, {
      value() {
        this.free();
      },
      configurable: true,
      writable: true,
    });
  }
}

function contentToSign(method, path, clientId, time, body) {
  return wasm.contentToSign(
    text(method, 'method'),
    text(path, 'path'),
    text(clientId, 'clientId'),
    typeof time === 'number' || typeof time === 'bigint' ? String(time) : text(time, 'time'),
    text(body, 'body'),
  );
}

function parseSignatureHeader(value) {
  const header = wasm.parseSignatureHeader(text(value, 'the Signature header'));
  try {
    return { algorithm: header.algorithm, keyVersion: header.keyVersion ?? null, signature: header.signature };
  } finally {
    header.free();
  }
}

function formatSignatureHeader(keyVersion, signature) {
  const version = keyVersionOf(keyVersion);
  if (version === undefined) throw new TypeError('keyVersion is required');
  return wasm.formatSignatureHeader(version, text(signature, 'signature'));
}

function signatureHeader(privateKey, path, clientId, time, body, keyVersion) {
  const version = keyVersionOf(keyVersion);
  if (version === undefined) throw new TypeError('keyVersion is required');
  const own = keyArgument(privateKey, PrivateKey, innerPrivate, 'privateKey');
  try {
    return wasm.signatureHeader(
      own.inner,
      text(path, 'path'),
      text(clientId, 'clientId'),
      typeof time === 'number' || typeof time === 'bigint' ? String(time) : text(time, 'time'),
      bytes(body, 'body'),
      version,
    );
  } finally {
    own.release();
  }
}

function verifyRequest(publicKey, path, headers, body) {
  const key = keyArgument(publicKey, PublicKey, innerPublic, 'publicKey');
  try {
    const verified = wasm.verifyRequest(key.inner, text(path, 'path'), headerList(headers), bytes(body, 'body'));
    try {
      return { clientId: verified.clientId, time: verified.time, keyVersion: verified.keyVersion ?? null };
    } finally {
      verified.free();
    }
  } finally {
    key.release();
  }
}

/**
 * Which key of a ring (`antomPublicKeys`, as for `new Client`) verifies a signed message: a
 * notification (`request-time`) or a response (`response-time`). `{ keyVersion, fingerprint }`;
 * throws the core's error (`SIGNATURE_MISMATCH` names the keys tried by fingerprint). For
 * finding a wrong key ("the sandbox key on a live client"); client ids are not compared.
 */
function whichKey(antomPublicKeys, path, headers, body) {
  const keys = [];
  const ring = keyRingOf(Array.isArray(antomPublicKeys) ? antomPublicKeys : [antomPublicKeys], undefined, keys);
  try {
    const [keyVersion, fingerprint] = wasm.whichKey(ring, text(path, 'path'), headerList(headers), bytes(body, 'body'));
    return { keyVersion: keyVersion ?? null, fingerprint };
  } finally {
    ring.free();
    for (const key of keys) key.release();
  }
}

function toMinorUnits(amount, currency) {
  return wasm.toMinorUnits(text(amount, 'amount'), text(currency, 'currency'));
}

function fromMinorUnits(value, currency) {
  return wasm.fromMinorUnits(text(value, 'value'), text(currency, 'currency'));
}

function minorUnitExponent(currency) {
  return wasm.minorUnitExponent(text(currency, 'currency'));
}

/** The core's redaction rule for a header value: `<redacted>` for credentials. */
function redactHeader(name, value) {
  return wasm.redactHeader(text(name, 'name'), text(value, 'value'));
}

/** The core's description of a body: `<N bytes>`. */
function describeBody(body) {
  return shownBody(typeof body === 'string' ? body : bytes(body, 'body'));
}

function entryOf(entry) {
  try {
    return Object.freeze({ name: entry.name, group: entry.group, path: entry.path });
  } finally {
    entry.free();
  }
}

let catalogue;

function endpoints() {
  if (!catalogue) catalogue = Object.freeze(wasm.endpoints().map(entryOf));
  return catalogue;
}

function endpoint(name) {
  const entry = wasm.endpoint(text(name, 'name'));
  return entry === undefined ? undefined : entryOf(entry);
}

const NOTIFICATION_ACK = wasm.notificationAck();
const MAX_SIGNER_ANSWER_BYTES = wasm.maxSignerAnswerBytes();
const ERROR_CODES = Object.freeze(wasm.errorCodes());
const DEFAULT_MAX_BODY_BYTES = wasm.defaultMaxBodyBytes();
const WASM_ENGINE = wasm.builtinEngine();
const MAX_RING_KEYS = wasm.maxRingKeys();
const { handleNotification, expressNotificationHandler, fastifyNotificationPlugin, webNotificationHandler } =
  webhooks({ AntomError, Client, NOTIFICATION_ACK, checkLength, verifyAsync: VERIFY_ASYNC });

module.exports = {
  AntomError,
  Client,
  PrivateKey,
  PublicKey,
  PreparedRequest,
  ApiResponse,
  Notification,
  NOTIFICATION_ACK,
  ERROR_CODES,
  DEFAULT_MAX_BODY_BYTES,
  WASM_ENGINE,
  DEFAULT_TIMEOUT_MS,
  MAX_RETRIES,
  DEFAULT_RETRY_POLICY,
  DEFAULT_INQUIRY_POLICY: wait.DEFAULT_INQUIRY_POLICY,
  inquiryPolicy: wait.inquiryPolicy,
  SEND_EVENT_ATTRIBUTES,
  retryPolicy,
  simpleRetryPolicy,
  decideRetry,
  attemptTimeoutMs,
  spanName,
  maskBody,
  handleNotification,
  expressNotificationHandler,
  fastifyNotificationPlugin,
  webNotificationHandler,
  redactHeader,
  describeBody,
  contentToSign,
  parseSignatureHeader,
  formatSignatureHeader,
  signatureHeader,
  verifyRequest,
  whichKey,
  MAX_RING_KEYS,
  toMinorUnits,
  fromMinorUnits,
  minorUnitExponent,
  endpoint,
  endpoints,
};
