// The API from the installed package: errors are real Error subclasses with the core's stable
// codes and never carry secrets; argument conversions; verify-only clients; engines; free().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';

import {
  AntomError,
  Client,
  ERROR_CODES,
  PrivateKey,
  PublicKey,
  contentToSign,
  fromMinorUnits,
  parseSignatureHeader,
  signatureHeader,
  toMinorUnits,
  verifyRequest,
} from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';

const merchantPrivate = testKey('merchant.private.pkcs8.b64');
const antomPublic = testKey('antom.public.spki.b64');
const antomPrivate = PrivateKey.parse(testKey('antom.private.pkcs8.b64'));

function throwsCode(fn, code) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof AntomError, `expected AntomError, got ${err}`);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AntomError');
    assert.equal(err.code, code);
    assert.ok(err.message.length > 10, 'the message says what to fix');
    assert.ok(!err.message.includes(merchantPrivate.trim().slice(40, 80)), 'no key material');
    assert.ok(err.stack.startsWith('AntomError: '));
    return true;
  });
}

const client = new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic });

/** Headers of a response signed with the Antom test key. */
function signedResponse(path, body, clientId = CLIENT_ID) {
  const time = '1700000000000';
  const signature = antomPrivate.sign(contentToSign('POST', path, clientId, time, body));
  return [
    ['client-id', clientId],
    ['response-time', time],
    ['signature', `algorithm=RSA256,keyVersion=1,signature=${signature}`],
  ];
}

test('ERROR_CODES is the core set', () => {
  assert.deepEqual([...ERROR_CODES], [
    'INVALID_KEY',
    'INVALID_INPUT',
    'MALFORMED_SIGNATURE',
    'UNSUPPORTED_ALGORITHM',
    'SIGNATURE_MISMATCH',
    'MISSING_HEADER',
    'CLIENT_ID_MISMATCH',
    'UNSIGNED_RESPONSE',
    'INVALID_AMOUNT',
    'UNSUPPORTED_CURRENCY',
    'SIGNING_FAILED',
    'UNKNOWN_KEY_VERSION',
    'WRONG_KEY',
  ]);
});

test('every code a caller can trigger surfaces as AntomError.code', () => {
  const path = client.resolvePath('v1/payments/pay');
  const ok = '{"result":{"resultStatus":"S","resultCode":"SUCCESS"}}';
  throwsCode(() => PrivateKey.parse('not a key'), 'INVALID_KEY');
  throwsCode(() => PublicKey.parse(merchantPrivate), 'INVALID_KEY');
  throwsCode(() => new Client({ clientId: CLIENT_ID, privateKey: 'x', antomPublicKey: antomPublic }), 'INVALID_KEY');
  throwsCode(() => client.prepare('v1/payments/pay', '[1,2]'), 'INVALID_INPUT');
  throwsCode(() => client.prepare('https://evil.example/x', '{}'), 'INVALID_INPUT');
  throwsCode(
    () => new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic, region: 'mars' }),
    'INVALID_INPUT',
  );
  throwsCode(() => PublicKey.parse(antomPublic).verify('x', 'AAAA'), 'MALFORMED_SIGNATURE');
  throwsCode(() => parseSignatureHeader('algorithm=RSA512,signature=abc'), 'UNSUPPORTED_ALGORITHM');
  const headers = signedResponse(path, ok);
  throwsCode(() => client.verifyResponse(path, headers, ok.replace('S', 'F')), 'SIGNATURE_MISMATCH');
  throwsCode(() => client.verifyResponse(path, headers.slice(1), ok), 'MISSING_HEADER');
  throwsCode(() => client.verifyResponse(path, signedResponse(path, ok, 'SANDBOX_OTHER'), ok), 'CLIENT_ID_MISMATCH');
  throwsCode(() => client.verifyResponse(path, {}, ok), 'UNSIGNED_RESPONSE');
  throwsCode(() => toMinorUnits('10.505', 'USD'), 'INVALID_AMOUNT');
  throwsCode(() => fromMinorUnits('100', 'XXX'), 'UNSUPPORTED_CURRENCY');
  const merchantPublic = PrivateKey.parse(merchantPrivate).publicKey();
  throwsCode(() => new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: merchantPublic }), 'WRONG_KEY');
  const tagged = new Client({ clientId: CLIENT_ID, antomPublicKeys: [{ key: antomPublic, keyVersion: 1 }] });
  const v2 = headers.map(([name, value]) => [name, name.toLowerCase() === 'signature' ? value.replace('keyVersion=1', 'keyVersion=2') : value]);
  throwsCode(() => tagged.verifyResponse(path, v2, ok), 'UNKNOWN_KEY_VERSION');
  tagged.free();
  // SIGNING_FAILED needs a platform without randomness; it cannot be triggered in Node.
});

test('a verified response, and an unsigned gateway error that is never success', () => {
  const path = client.resolvePath('v1/payments/pay');
  const ok = '{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"ok"},"paymentId":"p1"}';
  for (const engine of ['node', 'wasm']) {
    const c = new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic, engine });
    const r = c.verifyResponse(path, signedResponse(path, ok), ok);
    assert.equal(r.verified, true);
    assert.equal(r.isSuccess, true);
    assert.equal(r.nextAction, 'DONE');
    assert.equal(r.json().paymentId, 'p1');
    const u = c.verifyResponse(path, { 'content-type': 'application/json' }, '{"result":{"resultStatus":"U"}}');
    assert.equal(u.verified, false);
    assert.equal(u.isSuccess, false);
    assert.equal(u.nextAction, 'INQUIRE');
    c.free();
  }
});

test('wrong argument types are TypeErrors, not AntomErrors', () => {
  assert.throws(() => PrivateKey.parse(Buffer.from(merchantPrivate)), TypeError);
  assert.throws(() => new Client({ clientId: CLIENT_ID }), TypeError);
  assert.throws(() => new Client({ privateKey: merchantPrivate, antomPublicKey: antomPublic }), TypeError);
  assert.throws(
    () => new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, apiKey: 'isak_TEST_a_b', antomPublicKey: antomPublic }),
    TypeError,
  );
  assert.throws(() => new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic, engine: 'gpu' }), TypeError);
  assert.throws(() => new Client({ clientId: CLIENT_ID, privateKey: merchantPrivate, antomPublicKey: antomPublic, keyVersion: -1 }), TypeError);
  assert.throws(() => client.prepare('v1/payments/pay', { a: 1 }), TypeError);
  assert.throws(() => client.prepare('v1/payments/pay', '{}', -5), TypeError);
  assert.throws(() => client.verifyResponse('/x', 'content-type: x', '{}'), TypeError);
  assert.throws(() => new PrivateKey(), TypeError);
});

test('keys and clients print no secrets; free() releases and then refuses use', () => {
  const key = PrivateKey.parse(merchantPrivate);
  const secretPart = merchantPrivate.trim().slice(100, 160);
  for (const shown of [String(key), JSON.stringify({ key }), inspect(key), inspect({ key }, { depth: 5 })]) {
    assert.ok(shown.includes('redacted'), shown);
    assert.ok(!shown.includes(secretPart));
  }
  assert.equal(key.bits, 2048);
  const c = new Client({ clientId: CLIENT_ID, privateKey: key, apiKey: undefined, antomPublicKey: antomPublic });
  for (const shown of [String(c), inspect(c), JSON.stringify(c)]) assert.ok(!shown.includes(secretPart));
  const apiClient = new Client({ clientId: CLIENT_ID, apiKey: 'isak_TEST_abc_SECRETPART', antomPublicKey: antomPublic });
  assert.ok(!String(apiClient).includes('SECRETPART'));
  assert.equal(apiClient.usesApiKey, true);
  assert.equal(apiClient.prepare('v1/payments/pay', '{}').headers.Authorization, 'Bearer isak_TEST_abc_SECRETPART');
  key.free();
  key.free(); // idempotent
  assert.throws(() => key.sign('x'), /freed/);
  // The client keeps its own reference to the key.
  assert.ok(c.prepare('v1/payments/pay', '{}').headers.Signature.startsWith('algorithm=RSA256,keyVersion=1,signature='));
  c.free();
  assert.throws(() => c.prepare('v1/payments/pay', '{}'), /freed/);
});

test('a verify-only client verifies but never prepares', () => {
  const receiver = new Client({ clientId: CLIENT_ID, antomPublicKey: antomPublic });
  assert.equal(receiver.isVerifyOnly, true);
  assert.equal(client.isVerifyOnly, false);
  const path = receiver.resolvePath('v1/payments/pay');
  const ok = '{"result":{"resultStatus":"S"}}';
  assert.equal(receiver.verifyResponse(path, signedResponse(path, ok), ok).isSuccess, true);
  throwsCode(() => receiver.prepare('v1/payments/pay', '{}'), 'INVALID_INPUT');
  receiver.free();
});

test('signatureHeader and verifyRequest: the receiving side', () => {
  const body = '{"paymentRequestId":"order-1"}';
  const request = client.prepare('v1/payments/pay', body, 1700000000000);
  const merchantPublic = PrivateKey.parse(merchantPrivate).publicKey();
  const seen = verifyRequest(merchantPublic, request.path, request.headers, request.body);
  assert.deepEqual(seen, { clientId: CLIENT_ID, time: '1700000000000', keyVersion: 1 });
  throwsCode(() => verifyRequest(merchantPublic, request.path, request.headers, body.replace('1', '2')), 'SIGNATURE_MISMATCH');
  throwsCode(() => verifyRequest(antomPublic, request.path, request.headers, request.body), 'SIGNATURE_MISMATCH');
  const header = signatureHeader(merchantPrivate, request.path, CLIENT_ID, 1700000000000, body, 1);
  assert.equal(header, request.headers.Signature);
});

test('requestTime defaults to Date.now() and accepts number, bigint and Date', () => {
  const before = Date.now();
  const t = Number(client.prepare('v1/payments/pay', '{}').headers['Request-Time']);
  assert.ok(t >= before && t <= Date.now());
  assert.equal(client.prepare('v1/payments/pay', '{}', 1685599933871).headers['Request-Time'], '1685599933871');
  assert.equal(client.prepare('v1/payments/pay', '{}', 1685599933871n).headers['Request-Time'], '1685599933871');
  assert.equal(client.prepare('v1/payments/pay', '{}', new Date(1685599933871)).headers['Request-Time'], '1685599933871');
  // Bytes and string bodies sign the same bytes.
  const a = client.prepare('v1/payments/pay', '{"x":"é"}', 1);
  const b = client.prepare('v1/payments/pay', Buffer.from('{"x":"é"}'), 1);
  const c = client.prepare('v1/payments/pay', new TextEncoder().encode('{"x":"é"}'), 1);
  assert.deepEqual(a, b);
  assert.deepEqual(a, c);
});

test('header forms: IncomingHttpHeaders, rawHeaders, fetch Headers, pairs, Map', () => {
  const path = client.resolvePath('v1/payments/pay');
  const ok = '{"result":{"resultStatus":"S"}}';
  const pairs = signedResponse(path, ok);
  const forms = [
    pairs,
    pairs.flat(),
    Object.fromEntries(pairs),
    new Headers(pairs),
    new Map(pairs),
    pairs.map(([name, value]) => [name.toUpperCase(), value]),
  ];
  for (const headers of forms) assert.equal(client.verifyResponse(path, headers, ok).isSuccess, true);
  // A repeated signature header is refused by the core, in every form that can carry one.
  const twice = [...pairs, pairs[2]];
  throwsCode(() => client.verifyResponse(path, twice, ok), 'INVALID_INPUT');
  throwsCode(() => client.verifyResponse(path, { ...Object.fromEntries(pairs), signature: [pairs[2][1], pairs[2][1]] }, ok), 'INVALID_INPUT');
});

test('the default engine runs RSA on node:crypto (much faster than pure WebAssembly)', () => {
  const key = PrivateKey.parse(merchantPrivate);
  const time = (engine) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 10; i += 1) key.sign(`content ${i}`, { engine });
    return Number(process.hrtime.bigint() - start);
  };
  time('node');
  const node = time('node');
  const wasm = time('wasm');
  assert.ok(node * 4 < wasm, `node ${node} ns vs wasm ${wasm} ns for 10 signatures`);
  assert.equal(key.sign('same', { engine: 'node' }), key.sign('same', { engine: 'wasm' }));
  key.free();
});
