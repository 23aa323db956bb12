// Issue 9 in the Node package: bodies over maxBodyBytes are refused before they reach
// WebAssembly memory; unverified responses inquire; notifications carry dedupKey and take an
// opt-in replay window; string forms use the core's redaction rule; which RSA engine ran is
// visible, node:crypto is captured at load, and the fallback to WebAssembly can be turned off.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { inspect } from 'node:util';

import {
  AntomError,
  ApiResponse,
  Client,
  DEFAULT_MAX_BODY_BYTES,
  Notification,
  PreparedRequest,
  PrivateKey,
  WASM_ENGINE,
  describeBody,
  redactHeader,
  signatureHeader,
} from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';

const merchantPrivate = testKey('merchant.private.pkcs8.b64');
const antomPublic = testKey('antom.public.spki.b64');
const antomPrivate = PrivateKey.parse(testKey('antom.private.pkcs8.b64'));
const API_KEY = 'isak_TEST_identity_S3CRETPART';

function throwsCode(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof AntomError, `expected AntomError, got ${err}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

function signed(path, body, { time = '1700000000000', timeHeader = 'response-time' } = {}) {
  return [
    ['client-id', CLIENT_ID],
    [timeHeader, time],
    ['signature', signatureHeader(antomPrivate, path, CLIENT_ID, time, body, 1)],
  ];
}

// --- finding 3: body size -------------------------------------------------------------------

test('maxBodyBytes: the core default, configurable, refused with the core error before any copy', () => {
  assert.equal(DEFAULT_MAX_BODY_BYTES, 4 * 1024 * 1024);
  const defaults = new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic });
  assert.equal(defaults.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  assert.throws(() => new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic, maxBodyBytes: -1 }), TypeError);
  assert.throws(() => new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic, maxBodyBytes: 2 ** 32 }), TypeError);

  const small = new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic, maxBodyBytes: 8 });
  assert.equal(small.maxBodyBytes, 8);
  const nine = '{"ab":12}';
  const path = small.resolvePath('v1/payments/pay');
  for (const body of [nine, Buffer.from(nine), new TextEncoder().encode(nine), new Uint8Array(Buffer.from(nine)).buffer]) {
    if (!(body instanceof ArrayBuffer)) {
      throwsCode(() => small.prepare('v1/payments/pay', body, 1), 'INVALID_INPUT', /^the request body is 9 bytes; at most 8 are accepted/);
    }
    throwsCode(() => small.verifyResponse(path, signed(path, nine), body), 'INVALID_INPUT', /^the response body is 9 bytes; at most 8/);
    throwsCode(() => small.verifyNotification('/notify', signed('/notify', nine), body), 'INVALID_INPUT', /^the notification body is 9 bytes/);
  }
  // A string is measured in UTF-8 bytes, not characters: 4 characters, 8 bytes, then 10.
  assert.ok(small.prepare('v1/payments/pay', '{"é":1}', 1)); // 8 bytes: at the limit
  throwsCode(() => small.prepare('v1/payments/pay', '{"éé":1}', 1), 'INVALID_INPUT', /is 10 bytes/);
  // Within the limit, the core still refuses anything else itself.
  throwsCode(() => small.verifyResponse(path, [], '{}'), 'UNSIGNED_RESPONSE');
  small.free();
  defaults.free();
});

test('an oversized body never reaches WebAssembly memory', () => {
  const client = new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic });
  const path = client.resolvePath('v1/payments/pay');
  const huge = Buffer.alloc(256 * 1024 * 1024); // zero pages: not resident until written
  const before = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  throwsCode(() => client.verifyResponse(path, [], huge), 'INVALID_INPUT', /is 268435456 bytes; at most 4194304/);
  throwsCode(() => client.verifyNotification('/notify', [], huge), 'INVALID_INPUT');
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const grownMiB = (process.memoryUsage().rss - before) / 2 ** 20;
  assert.ok(grownMiB < 64, `RSS grew by ${grownMiB.toFixed(1)} MiB: the body was copied`);
  assert.ok(elapsedMs < 200, `${elapsedMs} ms: the body was copied or hashed`);
  client.free();
});

test('the glue\'s shared verify buffers: right verdicts across memory growth, large and non-ASCII input', () => {
  const client = new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic });
  const notify = (body, extra = []) =>
    client.verifyNotification('/notify', [...signed('/notify', body, { timeHeader: 'request-time' }), ...extra], body);
  const small = '{"notifyType":"PAYMENT_RESULT","paymentId":"p-1","result":{"resultStatus":"S"}}';
  const first = notify(small);
  // An id of 100k characters (a verdict over the output buffer's 64 KiB) in a 3 MiB body (the
  // WebAssembly memory grows while the input is written).
  const id = 'é'.repeat(100_000);
  const big = `{"notifyType":"REFUND_RESULT","refundId":"${id}","pad":"${'x'.repeat(3 * 2 ** 20)}"}`;
  const large = notify(big);
  assert.equal(large.dedupKey, `REFUND_RESULT:refundId=${id}`);
  assert.equal(large.body.length, Buffer.byteLength(big));
  // Headers the core ignores but the filter passes, short and long, non-ASCII.
  const again = notify(small, [['x-signature-note', 'Zürich'], ['x-signature-long', 'ü'.repeat(60)]]);
  assert.deepEqual(
    [first.dedupKey, first.notifyType, first.resultStatus, again.dedupKey, again.clientId, again.requestTime],
    ['PAYMENT_RESULT:paymentId=p-1', 'PAYMENT_RESULT', 'S', 'PAYMENT_RESULT:paymentId=p-1', CLIENT_ID, '1700000000000'],
  );
  // A repeated signed header is still refused, whatever its case or padding.
  throwsCode(() => notify(small, [[' Client-ID ', CLIENT_ID]]), 'INVALID_INPUT', /client-id header appears more than once/);
  // A forged body after all that is still refused.
  const forged = small.replace('p-1', 'p-2');
  throwsCode(
    () => client.verifyNotification('/notify', signed('/notify', small, { timeHeader: 'request-time' }), forged),
    'SIGNATURE_MISMATCH',
  );
  client.free();
});

// --- finding 2: unverified responses inquire --------------------------------------------------

test('nextAction comes from the core: unverified F and U inquire, verified F fails', () => {
  for (const engine of ['node', 'wasm']) {
    const client = new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic, engine });
    const path = client.resolvePath('v1/payments/pay');
    for (const status of ['F', 'U']) {
      const body = `{"result":{"resultStatus":"${status}","resultCode":"PROCESS_FAIL"}}`;
      const unsigned = client.verifyResponse(path, { 'content-type': 'application/json' }, body);
      assert.deepEqual(
        [unsigned.verified, unsigned.resultStatus, unsigned.resultCode, unsigned.nextAction, unsigned.isSuccess, unsigned.engine],
        [false, status, 'PROCESS_FAIL', 'INQUIRE', false, null],
      );
      const verified = client.verifyResponse(path, signed(path, body), body);
      assert.equal(verified.verified, true);
      assert.equal(verified.nextAction, status === 'F' ? 'FAILED' : 'INQUIRE');
      assert.equal(verified.engine, engine);
    }
    client.free();
  }
});

// --- finding 11: dedupKey and freshness --------------------------------------------------------

test('notifications: dedupKey, and an opt-in maxAgeMs window (nowMs defaults to now)', () => {
  const client = new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic });
  const body = '{"notifyType":"PAYMENT_RESULT","paymentId":"2024p1","result":{"resultStatus":"S"}}';
  const at = (time) => signed('/notify', body, { time: String(time), timeHeader: 'request-time' });
  const n = client.verifyNotification('/notify', at(1_700_000_000_000), body);
  assert.ok(n instanceof Notification);
  assert.equal(n.dedupKey, 'PAYMENT_RESULT:paymentId=2024p1');
  assert.equal(n.notifyType, 'PAYMENT_RESULT');
  // Off by default: a day-old retry is accepted.
  assert.equal(client.verifyNotification('/notify', at(1_700_000_000_000), body).requestTime, '1700000000000');
  const window = { maxAgeMs: 60_000, nowMs: 1_700_000_030_000 };
  assert.equal(client.verifyNotification('/notify', at(1_700_000_000_000), body, window).dedupKey, n.dedupKey);
  throwsCode(() => client.verifyNotification('/notify', at(1_699_999_000_000), body, window), 'INVALID_INPUT');
  throwsCode(() => client.verifyNotification('/notify', at(1_700_000_100_000), body, { ...window, nowMs: 1_700_000_030_000n }), 'INVALID_INPUT');
  // nowMs defaults to Date.now().
  assert.ok(client.verifyNotification('/notify', at(Date.now()), body, { maxAgeMs: 60_000 }));
  throwsCode(() => client.verifyNotification('/notify', at(1_700_000_000_000), body, { maxAgeMs: 60_000 }), 'INVALID_INPUT');
  assert.throws(() => client.verifyNotification('/notify', at(1), body, { nowMs: 5 }), TypeError);
  assert.throws(() => client.verifyNotification('/notify', at(1), body, { maxAgeMs: -1 }), TypeError);
  // Without an id field the key is the body's digest.
  const bare = '{"notifyType":"X"}';
  const digest = client.verifyNotification('/notify', signed('/notify', bare, { timeHeader: 'request-time' }), bare).dedupKey;
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  client.free();
});

// --- finding 7: one redaction rule ------------------------------------------------------------

test('string forms of requests, responses and notifications use the core redaction rule', () => {
  assert.equal(redactHeader('authorization', 'Bearer x'), '<redacted>');
  assert.equal(redactHeader('Agent-Token', 'x'), '<redacted>');
  assert.equal(redactHeader('Client-Id', CLIENT_ID), CLIENT_ID);
  assert.equal(describeBody('{"card":"4111"}'), '<15 bytes>');
  assert.equal(describeBody(Buffer.from('é')), '<2 bytes>');

  const secretBody = '{"cardNo":"4111111111111111"}';
  const apiClient = new Client({ clientId: CLIENT_ID, apiKey: API_KEY, antomPublicKey: antomPublic });
  const agent = new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic, agentToken: 'AGENTSECRET' });
  const requests = [apiClient.prepare('v1/payments/pay', secretBody, 1), agent.prepare('v1/payments/pay', secretBody, 1)];
  assert.equal(requests[0].headers.Authorization, `Bearer ${API_KEY}`, 'sent as is');
  assert.equal(requests[1].headers['Agent-Token'], 'AGENTSECRET', 'sent as is');
  assert.equal(requests[0].engine, null, 'API-key mode signs nothing');
  assert.equal(requests[1].engine, 'node');
  for (const request of requests) {
    assert.ok(request instanceof PreparedRequest);
    const forms = [String(request), `${request}`, inspect(request), inspect({ request }, { depth: 9 }), JSON.stringify(request)];
    for (const shown of forms) {
      assert.ok(!shown.includes('S3CRETPART') && !shown.includes('AGENTSECRET'), shown);
      assert.ok(!shown.includes('4111'), shown);
      assert.ok(shown.includes('<redacted>') && shown.includes(`<${secretBody.length} bytes>`), shown);
    }
    assert.ok(String(request).startsWith('PreparedRequest {'));
  }

  const client = new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic });
  const path = client.resolvePath('v1/payments/pay');
  const responseBody = '{"result":{"resultStatus":"S"},"cardNo":"4111111111111111"}';
  const response = client.verifyResponse(path, signed(path, responseBody), responseBody);
  const notificationBody = '{"notifyType":"PAYMENT_RESULT","cardNo":"4111111111111111"}';
  const notification = client.verifyNotification('/n', signed('/n', notificationBody, { timeHeader: 'request-time' }), notificationBody);
  assert.ok(response instanceof ApiResponse);
  assert.equal(response.json().cardNo, '4111111111111111', 'the data is there to use');
  for (const [value, length] of [[response, responseBody.length], [notification, notificationBody.length]]) {
    for (const shown of [String(value), inspect(value), inspect([value], { depth: 9 }), JSON.stringify(value)]) {
      assert.ok(!shown.includes('4111'), shown);
      assert.ok(shown.includes(`<${length} bytes>`), shown);
    }
  }
  assert.match(String(notification), /dedupKey: 'sha256:/);
  for (const c of [apiClient, agent, client]) c.free();
});

// --- finding 8: the node engine ----------------------------------------------------------------

test('WASM_ENGINE names the core engine in WebAssembly', () => {
  assert.equal(WASM_ENGINE, 'rsa-0.10');
  const client = new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic, engine: 'wasm' });
  assert.equal(client.engine, 'wasm');
  assert.equal(client.engineFallback, true);
  assert.equal(client.prepare('v1/payments/pay', '{}', 1).engine, 'wasm');
  assert.throws(() => new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic, engineFallback: 'no' }), TypeError);
  client.free();
});

test('node:crypto is captured at load: replacing it later neither sees key DER nor passes a forgery', async () => {
  const crypto = (await import('node:crypto')).default;
  const saved = { createPrivateKey: crypto.createPrivateKey, createVerify: crypto.createVerify, verify: crypto.verify };
  const seen = [];
  crypto.createPrivateKey = (...args) => {
    seen.push(args);
    return saved.createPrivateKey(...args);
  };
  crypto.createVerify = () => ({ update() { return this; }, verify: () => true });
  crypto.verify = () => true;
  try {
    const client = new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic });
    assert.equal(client.prepare('v1/payments/pay', '{}', 1).engine, 'node');
    const path = client.resolvePath('v1/payments/pay');
    const body = '{"result":{"resultStatus":"S"}}';
    throwsCode(() => client.verifyResponse(path, signed(path, body), body.replace('S', 'F')), 'SIGNATURE_MISMATCH');
    assert.equal(client.verifyResponse(path, signed(path, body), body).engine, 'node');
    assert.equal(seen.length, 0, 'the key DER went to the function captured at load');
    client.free();
  } finally {
    Object.assign(crypto, saved);
  }
});

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

function child(preload, mode = 'engines') {
  const run = spawnSync(process.execPath, ['--require', `${fixtures}${preload}`, `${fixtures}engine-child.mjs`, mode], {
    encoding: 'utf8',
    env: process.env,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('node engine: one KeyObject per key, and every RSA operation on node:crypto', () => {
  const { calls } = child('count-crypto.cjs', 'count');
  assert.deepEqual(calls, { createPrivateKey: 1, createPublicKey: 1, createSign: 5, createVerify: 5 });
});

test('a key node:crypto refuses: a visible fallback, or with engineFallback: false an error', () => {
  const out = child('refuse-keys.cjs');
  assert.deepEqual(out.fallback, {
    prepare: { value: 'wasm' },
    verify: { value: [true, 'wasm'] },
    forged: { code: 'SIGNATURE_MISMATCH' },
    keySign: { value: 'string' },
    keyVerify: { value: false },
  });
  assert.deepEqual(out.strict, {
    prepare: { code: 'INVALID_KEY' },
    verify: { code: 'INVALID_KEY' },
    forged: { code: 'INVALID_KEY' },
    keySign: { code: 'INVALID_KEY' },
    keyVerify: { code: 'INVALID_KEY' },
  });
});

test('node:crypto failing at run time: a visible fallback, or SIGNING_FAILED / INVALID_KEY', () => {
  const out = child('fail-operations.cjs');
  assert.deepEqual(out.fallback.prepare, { value: 'wasm' });
  assert.deepEqual(out.fallback.verify, { value: [true, 'wasm'] });
  assert.deepEqual(out.strict, {
    prepare: { code: 'SIGNING_FAILED' },
    verify: { code: 'INVALID_KEY' },
    forged: { code: 'INVALID_KEY' },
    keySign: { code: 'SIGNING_FAILED' },
    keyVerify: { code: 'INVALID_KEY' },
  });
});
