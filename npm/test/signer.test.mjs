// prepareAsync / signAsync (node:crypto's thread pool) and external signers (a KMS or an HSM
// through `signer`), against the installed package. The signers here are local node:crypto
// ones with the throw-away TEST-ONLY keys; test-kms/ runs the AWS SDK against moto.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

import { AntomError, Client, PrivateKey, PublicKey, verifyRequest } from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';

const der = (name) => Buffer.from(testKey(name), 'base64');
const merchantKey = crypto.createPrivateKey({ key: der('merchant.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });
const otherKey = crypto.createPrivateKey({ key: der('other.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });
const merchantPublic = crypto.createPublicKey({ key: der('merchant.public.spki.b64'), format: 'der', type: 'spki' });
const antomPublicKey = testKey('antom.public.spki.b64');
const merchantPublicKey = testKey('merchant.public.spki.b64');
const BODY = JSON.stringify({ paymentRequestId: 'order-kms-1', amount: { currency: 'USD', value: '1050' }, note: 'é' });
const TIME = 1700000000123;

/** The in-process client: what every external signature must reproduce byte for byte. */
const inProcess = new Client({ clientId: CLIENT_ID, privateKey: testKey('merchant.private.pkcs8.b64'), antomPublicKey });

/** KMS digest mode, locally: PKCS#1 v1.5 of DigestInfo(SHA-256) || digest (RFC 8017 9.2). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
function signDigest(key, digest) {
  return crypto.privateEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
}

function external(signer, options = {}) {
  return new Client({ clientId: CLIENT_ID, antomPublicKey, signer, merchantPublicKey, ...options });
}

/** Checked independently of antom-core: node:crypto over the documented content. */
function assertSignedByMerchant(request) {
  const signature = /signature=([^,]+)/.exec(request.headers.Signature)[1];
  const content = `POST ${request.path}\n${CLIENT_ID}.${request.headers['Request-Time']}.${request.body}`;
  assert.ok(crypto.verify('sha256', Buffer.from(content), merchantPublic, Buffer.from(decodeURIComponent(signature), 'base64')));
}

async function rejectsSigningFailed(promise, what) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof AntomError, `${what}: ${err}`);
    assert.equal(err.code, 'SIGNING_FAILED', `${what}: ${err.code} ${err.message}`);
    assert.ok(err.message.length > 20, 'the message says what to fix');
    assert.ok(!err.message.includes('order-kms-1'), 'no body in the message');
    return true;
  });
}

test('a message-mode signer gives exactly the request prepare() makes with the key in process', async () => {
  const seen = [];
  const client = external((request) => {
    seen.push(request);
    return crypto.sign('sha256', request.message, merchantKey);
  });
  assert.equal(client.usesSigner, true);
  const request = await client.prepareAsync('v1/payments/pay', BODY, TIME);
  const expected = inProcess.prepare('v1/payments/pay', BODY, TIME);
  assert.deepEqual(
    { ...request, engine: undefined },
    { ...expected, engine: undefined },
    'method, url, path, headers and body are byte for byte prepare()\'s',
  );
  assert.equal(request.engine, 'external');
  assert.equal(seen.length, 1);
  const content = `POST ${request.path}\n${CLIENT_ID}.${TIME}.${BODY}`;
  assert.deepEqual(Buffer.from(seen[0].message), Buffer.from(content));
  assert.deepEqual(Buffer.from(seen[0].digest), crypto.createHash('sha256').update(content).digest());
  assertSignedByMerchant(request);
  const publicKey = PublicKey.parse(merchantPublicKey);
  assert.equal(verifyRequest(publicKey, request.path, Object.entries(request.headers), request.body).time, String(TIME));
});

test('a digest-mode signer (Google Cloud KMS, AWS KMS DIGEST) returning a Promise: the same bytes', async () => {
  for (const merchant of [merchantPublicKey, PublicKey.parse(merchantPublicKey), undefined]) {
    const client = external(async ({ digest }) => {
      await new Promise((resolve) => setImmediate(resolve));
      return signDigest(merchantKey, Buffer.from(digest));
    }, { merchantPublicKey: merchant });
    const request = await client.prepareAsync('v1/payments/inquiryPayment', Buffer.from(BODY), TIME);
    assert.deepEqual(request.headers, inProcess.prepare('v1/payments/inquiryPayment', BODY, TIME).headers);
    assertSignedByMerchant(request);
  }
});

test('a signer that throws, rejects, returns no Uint8Array, a wrong length or another key: SIGNING_FAILED', async () => {
  const cause = new Error('AccessDeniedException: not allowed to use this key');
  const throwing = external(() => {
    throw cause;
  });
  await assert.rejects(throwing.prepareAsync('v1/payments/pay', BODY, TIME), (err) => {
    assert.equal(err.code, 'SIGNING_FAILED');
    assert.equal(err.cause, cause, 'the signer\'s own error is the cause');
    return true;
  });
  await rejectsSigningFailed(external(async () => Promise.reject(cause)).prepareAsync('v1/payments/pay', BODY, TIME), 'rejects');
  const good = crypto.sign('sha256', Buffer.from('x'), merchantKey);
  for (const [what, value] of [
    ['a base64 string', good.toString('base64')],
    ['an ArrayBuffer', good.buffer.slice(good.byteOffset, good.byteOffset + good.length)],
    ['an array of numbers', [...good]],
    ['undefined', undefined],
  ]) {
    await rejectsSigningFailed(external(() => value).prepareAsync('v1/payments/pay', BODY, TIME), what);
  }
  await rejectsSigningFailed(
    external(({ message }) => crypto.sign('sha256', message, merchantKey).subarray(1)).prepareAsync('v1/payments/pay', BODY, TIME),
    'one byte short',
  );
  // A huge answer is refused from its length, before it is copied into WebAssembly memory.
  await assert.rejects(external(() => Buffer.alloc(4 << 20)).prepareAsync('v1/payments/pay', BODY, TIME), (err) => {
    assert.equal(err.code, 'SIGNING_FAILED');
    assert.match(err.message, /not copied/);
    return true;
  });
  await rejectsSigningFailed(
    external(({ message }) => crypto.sign('sha256', message, otherKey)).prepareAsync('v1/payments/pay', BODY, TIME),
    'another key',
  );
  await rejectsSigningFailed(
    external(({ message }) => crypto.sign('sha256', Buffer.concat([message, Buffer.from(' ')]), merchantKey)).prepareAsync(
      'v1/payments/pay',
      BODY,
      TIME,
    ),
    'another message',
  );
  // Without merchantPublicKey only the length can be checked (documented): configure the key.
  const unchecked = external(({ message }) => crypto.sign('sha256', message, otherKey), { merchantPublicKey: undefined });
  assert.equal((await unchecked.prepareAsync('v1/payments/pay', BODY, TIME)).engine, 'external');
  await rejectsSigningFailed(
    external(() => Buffer.alloc(100), { merchantPublicKey: undefined }).prepareAsync('v1/payments/pay', BODY, TIME),
    '100 bytes without the public key',
  );
});

test('step 1 refusals never call the signer; prepare() on a signer client points to prepareAsync', async () => {
  let calls = 0;
  const client = external(() => {
    calls += 1;
    return Buffer.alloc(256);
  });
  await assert.rejects(client.prepareAsync('v1/payments/pay', '[1]', TIME), { code: 'INVALID_INPUT' });
  await assert.rejects(client.prepareAsync('https://evil.example/x', BODY, TIME), { code: 'INVALID_INPUT' });
  await assert.rejects(client.prepareAsync('v1/payments/pay', 42, TIME), TypeError);
  assert.equal(calls, 0);
  assert.throws(() => client.prepare('v1/payments/pay', BODY, TIME), (err) => {
    assert.ok(err instanceof AntomError);
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, /prepareAsync/);
    return true;
  });
  assert.equal(calls, 0);
});

test('signer options are checked: one credential, a function, merchantPublicKey only with a signer', () => {
  const signer = () => Buffer.alloc(256);
  const privateKey = testKey('merchant.private.pkcs8.b64');
  assert.throws(() => new Client({ clientId: CLIENT_ID, antomPublicKey, signer, privateKey }), TypeError);
  assert.throws(() => new Client({ clientId: CLIENT_ID, antomPublicKey, signer, apiKey: 'isak_TEST_a_b' }), TypeError);
  assert.throws(() => new Client({ clientId: CLIENT_ID, antomPublicKey, signer: 'kms' }), TypeError);
  assert.throws(() => new Client({ clientId: CLIENT_ID, antomPublicKey, privateKey, merchantPublicKey }), TypeError);
  assert.throws(() => external(signer, { merchantPublicKey: privateKey }), { code: 'INVALID_KEY' });
  assert.throws(() => external(signer, { merchantPublicKey: testKey('rsa1024.public.spki.b64') }), { code: 'INVALID_KEY' });
  const client = external(signer);
  assert.ok(!inspect(client).includes('Buffer.alloc'), 'the signer function is not printed');
  assert.match(String(client), /external-signer/);
});

test('prepareAsync and signAsync equal prepare() and sign(), many at a time, on both engines', async () => {
  const privateKey = PrivateKey.parse(testKey('merchant.private.pkcs8.b64'));
  for (const engine of ['node', 'wasm']) {
    const client = new Client({ clientId: CLIENT_ID, privateKey, antomPublicKey, engine });
    const bodies = Array.from({ length: engine === 'node' ? 24 : 3 }, (_, i) => JSON.stringify({ paymentRequestId: `order-${i}` }));
    const requests = await Promise.all(bodies.map((body, i) => client.prepareAsync('v1/payments/pay', body, TIME + i)));
    requests.forEach((request, i) => {
      const sync = client.prepare('v1/payments/pay', bodies[i], TIME + i);
      assert.deepEqual({ ...request }, { ...sync });
      assert.equal(request.engine, engine);
      assertSignedByMerchant(request);
    });
    const signatures = await Promise.all(bodies.map((body) => privateKey.signAsync(body, { engine })));
    signatures.forEach((signature, i) => assert.equal(signature, privateKey.sign(bodies[i], { engine })));
    assert.equal(await privateKey.signAsync(Buffer.from('bytes'), { engine }), privateKey.sign(Buffer.from('bytes')));
    client.free();
  }
  const apiKeyClient = new Client({ clientId: CLIENT_ID, apiKey: 'isak_TEST_5X00000000000000_abcdefghijklmnop', antomPublicKey });
  assert.deepEqual({ ...(await apiKeyClient.prepareAsync('v1/payments/pay', BODY, TIME)) }, { ...apiKeyClient.prepare('v1/payments/pay', BODY, TIME) });
  const verifyOnly = new Client({ clientId: CLIENT_ID, antomPublicKey });
  await assert.rejects(verifyOnly.prepareAsync('v1/payments/pay', BODY, TIME), { code: 'INVALID_INPUT' });
  await assert.rejects(privateKey.signAsync(42), TypeError);
});

function asyncChild(env = {}) {
  const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
  const run = spawnSync(process.execPath, ['--require', `${fixtures}async-sign.cjs`, `${fixtures}async-child.mjs`], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('the async paths sign with crypto.sign\'s callback form (the thread pool), never on the event loop', () => {
  const out = asyncChild();
  assert.deepEqual(out.calls, { callbackSign: 4, syncSign: 0 });
  assert.deepEqual(out.fallback, { prepareAsync: { value: ['node', true] }, signAsync: { value: true } });
  assert.deepEqual(out.strict, out.fallback);
});

test('node:crypto failing in the thread pool: a visible fallback, or with engineFallback: false SIGNING_FAILED', () => {
  const out = asyncChild({ ANTOM_TEST_FAIL_ASYNC_SIGN: '1' });
  assert.deepEqual(out.fallback, { prepareAsync: { value: ['wasm', true] }, signAsync: { value: true } });
  assert.deepEqual(out.strict, { prepareAsync: { code: 'SIGNING_FAILED' }, signAsync: { code: 'SIGNING_FAILED' } });
});
