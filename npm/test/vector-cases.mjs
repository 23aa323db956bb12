// The mapping from each conformance vector operation to the package's API, shared by
// vectors.test.mjs (node --test, on Node.js) and npm/test-runtimes (Bun, Deno, workerd): it
// mirrors crates/antom-core/tests/vectors.rs. Only node: modules every one of those runtimes
// has (workerd with nodejs_compat) are used; files are read by the caller (`useVectors`).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { inspect, isDeepStrictEqual } from 'node:util';

import {
  AntomError,
  Client,
  PrivateKey,
  PublicKey,
  attemptTimeoutMs,
  contentToSign,
  decideRetry,
  endpoint,
  formatSignatureHeader,
  fromMinorUnits,
  maskBody,
  parseSignatureHeader,
  retryPolicy,
  spanName,
  toMinorUnits,
  verifyRequest,
} from 'antom-core';

let readText = () => {
  throw new Error('useVectors(readText) first');
};

/** Sets how a vector's key file (a path relative to tests/vectors/) is read. */
export function useVectors(read) {
  readText = read;
}

/** A vector "text": a string, or {prefix, repeat, count, suffix}. */
function vectorText(value) {
  if (typeof value === 'string') return value;
  return (value.prefix ?? '') + (value.repeat ?? '').repeat(value.count) + (value.suffix ?? '');
}

/** `[name, value]` pairs, each value a vector text. */
const headerPairs = (headers) => headers.map(([name, value]) => [name, vectorText(value)]);

function bodyBytes(input) {
  return input.body_base64 !== undefined
    ? Buffer.from(input.body_base64, 'base64')
    : Buffer.from(vectorText(input.body), 'utf8');
}

function makeClient(config, engine) {
  // Same order as the Rust runner: the Antom key, then the credential, then the settings.
  // Neither private_key_file nor api_key: a verify-only client.
  const options = { clientId: config.client_id, ...antomKeys(config), engine };
  if (config.private_key_file !== undefined) options.privateKey = PrivateKey.parse(readText(config.private_key_file));
  if (config.api_key !== undefined) options.apiKey = config.api_key;
  return withSettings(options, config);
}

/** A client from `options` plus the config fields every credential kind shares. */
function withSettings(options, config) {
  if (config.region !== undefined) options.region = config.region;
  if (config.environment !== undefined) options.environment = config.environment;
  if (config.gateway_url !== undefined) options.gatewayUrl = config.gateway_url;
  if (config.key_version !== undefined) options.keyVersion = config.key_version;
  if (config.agent_token !== undefined) options.agentToken = config.agent_token;
  if (config.max_body_bytes !== undefined) options.maxBodyBytes = config.max_body_bytes;
  return new Client(options);
}

/**
 * The Antom keys of a config: `antom_keys` (a ring: `{ key, keyVersion }` for a tagged key, the
 * key text alone for an untagged one) or one `antom_public_key_file`.
 */
function antomKeys(config) {
  if (config.antom_keys === undefined) return { antomPublicKey: PublicKey.parse(readText(config.antom_public_key_file)) };
  const antomPublicKeys = config.antom_keys.map((member) =>
    member.key_version === undefined
      ? readText(member.key_file)
      : { key: PublicKey.parse(readText(member.key_file)), keyVersion: member.key_version },
  );
  return { antomPublicKeys };
}

/** A verified response's fields as the vectors write them. */
const responseFields = (r) => ({
  verified: r.verified,
  result_status: r.resultStatus,
  result_code: r.resultCode,
  result_message: r.resultMessage,
  next_action: r.nextAction,
  outcome: r.outcome,
  verified_by: keyId(r.verifiedBy),
});

/** A verified notification's fields as the vectors write them. */
const notificationFields = (n) => ({
  notify_type: n.notifyType,
  result_status: n.resultStatus,
  client_id: n.clientId,
  request_time: n.requestTime,
  dedup_key: n.dedupKey,
  outcome: n.outcome,
  verified_by: keyId(n.verifiedBy),
});

/** `verifiedBy` as the vectors write it. */
const keyId = (id) => (id === null ? null : { key_version: id.keyVersion, fingerprint: id.fingerprint });

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** An external-signer client for external_signer.json (ExternalConfig: no private key). */
function makeExternalClient(config, engine, signer) {
  const options = {
    clientId: config.client_id,
    ...antomKeys(config),
    signer,
    engine,
  };
  // The key text goes to the package as it is (a private key's text must be refused there).
  if (config.merchant_public_key_file !== undefined) options.merchantPublicKey = readText(config.merchant_public_key_file);
  return withSettings(options, config);
}

/**
 * external_signer.json: prepareAsync with a signer that records what it was given and returns
 * the case's raw signature. Step 1 failing must reject without calling the signer.
 */
async function prepareExternal(input, engine) {
  const seen = [];
  const signer = (request) => {
    seen.push(request);
    if (input.signature_base64 === undefined) throw new Error('the signer must not be called for this case');
    return Buffer.from(input.signature_base64, 'base64');
  };
  let request;
  let finish;
  try {
    const client = makeExternalClient(input.config, engine, signer);
    request = await client.prepareAsync(input.api, bodyBytesOrText(input), input.request_time);
  } catch (err) {
    // A refusal before the signer ran is step 1's error (the whole case's); after, it is finish's.
    if (seen.length === 0 || !(err instanceof AntomError)) throw err;
    finish = { error: err.code };
  }
  assert.equal(seen.length, 1, 'the signer is called exactly once');
  const [{ message, digest }] = seen;
  assert.ok(message instanceof Uint8Array && digest instanceof Uint8Array);
  if (finish === undefined) {
    assert.equal(request.engine, 'external');
    finish = {
      method: request.method,
      url: request.url,
      path: request.path,
      headers: Object.entries(request.headers),
      body: request.body,
    };
  }
  return {
    message: Buffer.from(message).toString('utf8'),
    digest_hex: Buffer.from(digest).toString('hex'),
    finish,
  };
}

function bodyBytesOrText(input) {
  return input.body_base64 !== undefined ? bodyBytes(input) : vectorText(input.body);
}

/**
 * The asynchronous signing paths (`signAsync`, `prepareAsync`) on sign.json and prepare.json:
 * a second pass over the same cases, with the same expectations.
 */
export async function runAsyncCase(operation, input, engine) {
  const options = { engine };
  if (operation === 'sign') {
    const key = PrivateKey.parse(readText(input.private_key_file));
    const signature = await key.signAsync(vectorText(input.content), options);
    return { signature, signature_base64: decodeURIComponent(signature) };
  }
  if (operation === 'prepare') {
    const client = makeClient(input.config, engine);
    const request = await client.prepareAsync(input.api, bodyBytesOrText(input), input.request_time);
    const sync = client.prepare(input.api, bodyBytesOrText(input), input.request_time);
    assert.deepEqual({ ...request }, { ...sync }, 'prepareAsync gives exactly prepare()\'s request');
    return {
      method: request.method,
      url: request.url,
      path: request.path,
      headers: Object.entries(request.headers),
      body: request.body,
      content: contentToSign(request.method, request.path, input.config.client_id, String(input.request_time), request.body),
    };
  }
  throw new Error(`no asynchronous form of ${operation}`);
}

export function runCase(operation, input, engine) {
  const options = { engine };
  switch (operation) {
    case 'prepare_external':
      return prepareExternal(input, engine);
    case 'parse_key': {
      const isPrivate = input.kind === 'private';
      let key;
      if (input.der_base64 !== undefined) {
        const der = Buffer.from(input.der_base64, 'base64');
        key = isPrivate ? PrivateKey.fromDer(der).publicKey() : PublicKey.fromDer(der);
      } else {
        const text = input.text_file !== undefined ? readText(input.text_file) : vectorText(input.text);
        key = isPrivate ? PrivateKey.parse(text).publicKey() : PublicKey.parse(text);
      }
      return { bits: key.bits, public_key_base64: key.toBase64() };
    }
    case 'content_to_sign': {
      const content = contentToSign(input.method, input.path, input.client_id, input.time, vectorText(input.body));
      return { content, content_sha256: sha256(content), content_length: Buffer.byteLength(content, 'utf8') };
    }
    case 'sign': {
      const key = PrivateKey.parse(readText(input.private_key_file));
      const signature = key.sign(vectorText(input.content), options);
      return { signature, signature_base64: decodeURIComponent(signature) };
    }
    case 'verify': {
      const key = PublicKey.parse(readText(input.public_key_file));
      return { valid: key.verify(vectorText(input.content), vectorText(input.signature), options) };
    }
    case 'signature_header': {
      if (input.parse !== undefined) {
        const parsed = parseSignatureHeader(vectorText(input.parse));
        return { algorithm: parsed.algorithm, key_version: parsed.keyVersion, signature: parsed.signature };
      }
      return { header: formatSignatureHeader(input.format.key_version, input.format.signature) };
    }
    case 'prepare': {
      const client = makeClient(input.config, engine);
      // body_base64: bytes that are not UTF-8, passed as bytes; a text body as a string.
      const body = input.body_base64 !== undefined ? bodyBytes(input) : vectorText(input.body);
      const request = client.prepare(input.api, body, input.request_time);
      // The receiving side's check, on what we produced: Antom's view of the request.
      if (input.config.private_key_file !== undefined) {
        const publicKey = PrivateKey.parse(readText(input.config.private_key_file)).publicKey();
        const seen = verifyRequest(publicKey, request.path, Object.entries(request.headers), request.body);
        assert.equal(seen.time, String(input.request_time));
      }
      const content = contentToSign(
        request.method,
        request.path,
        input.config.client_id,
        String(input.request_time),
        request.body,
      );
      return {
        method: request.method,
        url: request.url,
        path: request.path,
        headers: Object.entries(request.headers),
        body: request.body,
        content,
      };
    }
    case 'verify_response': {
      const client = makeClient(input.config, engine);
      const body = bodyBytes(input);
      const r = client.verifyResponse(input.path, headerPairs(input.headers), body);
      assert.ok(r.body.equals(body), 'the verified body is the received body');
      return responseFields(r);
    }
    case 'verify_notification': {
      const client = makeClient(input.config, engine);
      const body = bodyBytes(input);
      const freshness =
        input.freshness !== undefined
          ? { maxAgeMs: input.freshness.max_age_ms, nowMs: input.freshness.now_ms }
          : undefined;
      const n = client.verifyNotification(input.path, headerPairs(input.headers), body, freshness);
      assert.ok(n.body.equals(body), 'the verified body is the received body');
      return notificationFields(n);
    }
    case 'fingerprint': {
      const text = readText(input.key_file);
      const key = input.kind === 'private' ? PrivateKey.parse(text).publicKey() : PublicKey.parse(text);
      return { fingerprint: key.fingerprint() };
    }
    case 'amount': {
      if (input.to_minor_units !== undefined) {
        return { value: toMinorUnits(input.to_minor_units.amount, input.to_minor_units.currency) };
      }
      return { amount: fromMinorUnits(input.from_minor_units.value, input.from_minor_units.currency) };
    }
    case 'endpoint': {
      const found = endpoint(input.name);
      return found ? { path: found.path, group: found.group, found: true } : { found: false };
    }
    case 'retry':
      return retryCase(input);
    case 'mask_body':
      return { masked: maskBody(bodyBytes(input)) };
    default:
      throw new Error(`unknown operation ${operation}`);
  }
}

/** retry.json: the policy's check, attempt timeouts, decisions and span names. */
function retryCase(input) {
  if (input.step === 'span_name') return { span_name: spanName(input.path) };
  const p = input.policy;
  const policy = {
    maxAttempts: p.max_attempts,
    initialBackoffMs: p.initial_backoff_ms,
    maxBackoffMs: p.max_backoff_ms,
    attemptTimeoutMs: p.attempt_timeout_ms,
    deadlineMs: p.deadline_ms,
    retryWithoutIdempotencyKey: p.retry_without_idempotency_key,
  };
  switch (input.step) {
    case 'check':
      retryPolicy(policy);
      return { valid: true };
    case 'attempt_timeout':
      return { timeout_ms: attemptTimeoutMs(policy, input.elapsed_ms ?? 0) ?? null };
    case 'decide': {
      const d = decideRetry(policy, {
        path: input.path,
        body: Buffer.from(input.body, 'utf8'),
        attempt: input.attempt,
        elapsedMs: input.elapsed_ms ?? 0,
        failure: input.failure,
        random: input.random,
      });
      return { retry: d.retry, delay_ms: d.delayMs, reason: d.reason };
    }
    default:
      throw new Error(`unknown retry step ${input.step}`);
  }
}

/**
 * Every string form of an error a user may log: its message, `code: message`, `toString()`,
 * `util.inspect` (stack and own properties) and `JSON.stringify`.
 */
function errorTexts(err) {
  return [err.message, `${err.code}: ${err.message}`, String(err), inspect(err), String(err.stack), JSON.stringify(err)];
}

/**
 * `undefined` when the outcome matches `expect`, else a one-line failure. An error's text must
 * contain none of the case's `forbidden` substrings (hostile.json).
 */
export async function check(id, expect, forbidden, run) {
  let got;
  try {
    got = await run();
  } catch (err) {
    if (!(err instanceof AntomError)) return `${id}: threw ${err && err.stack}`;
    for (const text of errorTexts(err)) {
      const leak = forbidden.find((f) => text.includes(f));
      if (leak !== undefined) return `${id}: the error text contains ${JSON.stringify(leak)}: ${text.slice(0, 300)}`;
    }
    if (expect.error === err.code) return undefined;
    return `${id}: ${expect.error ? `expected error ${expect.error}` : 'unexpected error'}, got ${err.code}: ${err.message}`;
  }
  if (expect.error !== undefined) return `${id}: expected error ${expect.error}, got ${JSON.stringify(got).slice(0, 200)}`;
  for (const [key, want] of Object.entries(expect)) {
    if (!isDeepStrictEqual(got[key], want)) {
      return `${id}: field ${key}: expected ${JSON.stringify(want).slice(0, 200)}, got ${JSON.stringify(got[key])?.slice(0, 200)}`;
    }
  }
  return undefined;
}

/** The operations verify*Async covers: a third pass over their vectors, RSA on WebCrypto. */
export const ASYNC_VERIFY_OPERATIONS = ['verify_response', 'verify_notification'];

/**
 * verify_response / verify_notification through verifyResponseAsync /
 * verifyNotificationAsync, with the same expectations; a verified result must say that
 * WebCrypto ran (`engine: "webcrypto"`), or no check was made at all.
 */
export async function runVerifyAsyncCase(operation, input) {
  const client = makeClient(input.config, 'node');
  const body = bodyBytes(input);
  if (operation === 'verify_response') {
    const r = await client.verifyResponseAsync(input.path, headerPairs(input.headers), body);
    assert.ok(r.body.equals(body), 'the verified body is the received body');
    assert.equal(r.engine, r.verified ? 'webcrypto' : null, 'the engine that verified');
    return responseFields(r);
  }
  if (operation === 'verify_notification') {
    const freshness =
      input.freshness !== undefined ? { maxAgeMs: input.freshness.max_age_ms, nowMs: input.freshness.now_ms } : undefined;
    const n = await client.verifyNotificationAsync(input.path, headerPairs(input.headers), body, freshness);
    assert.ok(n.body.equals(body), 'the verified body is the received body');
    assert.equal(n.engine, 'webcrypto', 'the engine that verified');
    return notificationFields(n);
  }
  throw new Error(`no asynchronous verification for ${operation}`);
}
