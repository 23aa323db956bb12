'use strict';
// antom-core for Node.js: the idiomatic JavaScript face of the WebAssembly glue.
//
// This file converts types and nothing else: headers (IncomingHttpHeaders, rawHeaders, fetch
// Headers, pairs) become a flat list, bodies become bytes, `requestTime` becomes a bigint,
// results become plain objects. Every protocol rule runs in antom-core.

const SERVER_ONLY =
  'antom-core is server-only: it signs with your Antom private key, which must never be ' +
  'shipped to a browser. Use it in Node.js on your server and call your server from the page.';

if (
  (typeof window !== 'undefined' && typeof window.document !== 'undefined') ||
  typeof process === 'undefined' ||
  !process.versions ||
  !process.versions.node
) {
  throw new Error(SERVER_ONLY);
}

const { inspect } = require('node:util');
const { AntomError } = require('./host.cjs');
const wasm = require('./antom_wasm.js');

const INTERNAL = Symbol('antom-core.internal');

/** `true` for the node:crypto engine (the default), `false` for pure WebAssembly. */
function useNode(engine) {
  if (engine === undefined || engine === null || engine === 'node') return true;
  if (engine === 'wasm') return false;
  throw new TypeError('engine must be "node" (the default) or "wasm"');
}

function engineOf(options) {
  if (options === undefined || options === null) return true;
  if (typeof options !== 'object') throw new TypeError('options must be an object like { engine: "wasm" }');
  return useNode(options.engine);
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
 */
function headerList(headers) {
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError('headers must be an object (req.headers), a fetch Headers, or [name, value] pairs');
  }
  const flat = [];
  if (Array.isArray(headers)) {
    if (headers.every((item) => typeof item === 'string')) {
      if (headers.length % 2 !== 0) throw new TypeError('a flat header list (rawHeaders) needs an even length');
      return headers.slice();
    }
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('header pairs must be [name, value] arrays');
      flat.push(String(pair[0]), String(pair[1]));
    }
    return flat;
  }
  if (typeof headers[Symbol.iterator] === 'function') {
    for (const [name, value] of headers) flat.push(String(name), String(value));
    return flat;
  }
  for (const name of Object.keys(headers)) {
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

function jsonOf(body) {
  return () => JSON.parse(body.toString('utf8'));
}

let innerPrivate;
let innerPublic;

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
    const node = engineOf(options);
    const inner = this.#live();
    return typeof content === 'string' ? inner.signText(content, node) : inner.sign(binary(content, 'content'), node);
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
    const node = engineOf(options);
    const inner = this.#live();
    text(signature, 'signature');
    return typeof content === 'string'
      ? inner.verifyText(content, signature, node)
      : inner.verify(binary(content, 'content'), signature, node);
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
 * A configured Antom client: prepares signed requests and verifies responses and
 * notifications. It performs no IO; send the prepared request with your own HTTP client.
 */
class Client {
  #inner;
  #node;

  constructor(options) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('new Client({ clientId, privateKey, antomPublicKey, ... })');
    }
    const { clientId, privateKey, apiKey, antomPublicKey, region, environment, gatewayUrl, keyVersion, agentToken } =
      options;
    this.#node = useNode(options.engine);
    text(clientId, 'clientId');
    const hasPrivateKey = privateKey !== undefined && privateKey !== null;
    const hasApiKey = apiKey !== undefined && apiKey !== null;
    if (hasPrivateKey && hasApiKey) throw new TypeError('pass privateKey or apiKey, not both (neither: a verify-only client)');
    const settings = [
      optionalText(region, 'region'),
      optionalText(environment, 'environment'),
      optionalText(gatewayUrl, 'gatewayUrl'),
      keyVersionOf(keyVersion),
      optionalText(agentToken, 'agentToken'),
      this.#node,
    ];
    const keys = [];
    try {
      const antom = keyArgument(antomPublicKey, PublicKey, innerPublic, 'antomPublicKey');
      keys.push(antom);
      if (hasPrivateKey) {
        const own = keyArgument(privateKey, PrivateKey, innerPrivate, 'privateKey');
        keys.push(own);
        this.#inner = wasm.Client.withPrivateKey(clientId, own.inner, antom.inner, ...settings);
      } else if (hasApiKey) {
        this.#inner = wasm.Client.withApiKey(clientId, text(apiKey, 'apiKey'), antom.inner, ...settings);
      } else {
        this.#inner = wasm.Client.verifyOnly(clientId, antom.inner, ...settings);
      }
    } finally {
      for (const key of keys) key.release();
    }
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

  get engine() {
    return this.#node ? 'node' : 'wasm';
  }

  antomPublicKey() {
    return new PublicKey(INTERNAL, this.#live().antomPublicKey());
  }

  resolvePath(api) {
    return this.#live().resolvePath(text(api, 'api'));
  }

  prepare(api, body, requestTime) {
    const inner = this.#live();
    text(api, 'api');
    const time = epochMillis(requestTime);
    const prepared =
      typeof body === 'string' ? inner.prepareText(api, body, time) : inner.prepare(api, binary(body, 'body'), time);
    try {
      const flat = prepared.headers;
      const headers = {};
      for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
      return { method: prepared.method, url: prepared.url, path: prepared.path, headers, body: prepared.body };
    } finally {
      prepared.free();
    }
  }

  verifyResponse(path, headers, body) {
    const inner = this.#live();
    const response = inner.verifyResponse(text(path, 'path'), headerList(headers), bytes(body, 'body'));
    try {
      const raw = asBuffer(response.body);
      return {
        verified: response.verified,
        resultStatus: response.resultStatus,
        resultCode: response.resultCode,
        resultMessage: response.resultMessage,
        nextAction: response.nextAction,
        isSuccess: response.isSuccess,
        body: raw,
        json: jsonOf(raw),
      };
    } finally {
      response.free();
    }
  }

  verifyNotification(path, headers, body) {
    const inner = this.#live();
    const notification = inner.verifyNotification(text(path, 'path'), headerList(headers), bytes(body, 'body'));
    try {
      const raw = asBuffer(notification.body);
      return {
        notifyType: notification.notifyType ?? null,
        resultStatus: notification.resultStatus ?? null,
        clientId: notification.clientId,
        requestTime: notification.requestTime,
        body: raw,
        json: jsonOf(raw),
      };
    } finally {
      notification.free();
    }
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

function toMinorUnits(amount, currency) {
  return wasm.toMinorUnits(text(amount, 'amount'), text(currency, 'currency'));
}

function fromMinorUnits(value, currency) {
  return wasm.fromMinorUnits(text(value, 'value'), text(currency, 'currency'));
}

function minorUnitExponent(currency) {
  return wasm.minorUnitExponent(text(currency, 'currency'));
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
const ERROR_CODES = Object.freeze(wasm.errorCodes());

module.exports = {
  AntomError,
  Client,
  PrivateKey,
  PublicKey,
  NOTIFICATION_ACK,
  ERROR_CODES,
  contentToSign,
  parseSignatureHeader,
  formatSignatureHeader,
  signatureHeader,
  verifyRequest,
  toMinorUnits,
  fromMinorUnits,
  minorUnitExponent,
  endpoint,
  endpoints,
};
