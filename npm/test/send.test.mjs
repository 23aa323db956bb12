// client.send() over real sockets on 127.0.0.1 against a stand-in gateway written with
// node:crypto only (it signs replies with the throw-away Antom test key and checks the
// merchant's signature as Antom does): what is sent, what each kind of reply resolves to, the
// faults that must come back UNKNOWN (never FAILED, never thrown), the deadline, the retries.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { after, before, test } from 'node:test';

import { AntomError, Client, DEFAULT_TIMEOUT_MS, PublicKey } from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';

const der = (name) => Buffer.from(testKey(name), 'base64');
const antomKey = crypto.createPrivateKey({ key: der('antom.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });
const merchantPublic = crypto.createPublicKey({ key: der('merchant.public.spki.b64'), format: 'der', type: 'spki' });
const merchantPrivate = crypto.createPrivateKey({ key: der('merchant.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });

const PAY_PATH = '/ams/sandbox/api/v1/payments/pay';
const PAY_S = '{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"success."},"paymentId":"P1"}';
const PAY_U = '{"result":{"resultStatus":"U","resultCode":"PAYMENT_IN_PROCESS","resultMessage":"in process"},"paymentId":"P1"}';
const PAY_F = '{"result":{"resultStatus":"F","resultCode":"USER_BALANCE_NOT_ENOUGH","resultMessage":"no"}}';

/** Antom's response signature over `POST path\nclient-id.time.body`. */
function signedHeaders(path, body, time = '2026-11-29T10:00:00Z') {
  const content = Buffer.concat([Buffer.from(`POST ${path}\n${CLIENT_ID}.${time}.`), Buffer.from(body)]);
  const signature = encodeURIComponent(crypto.sign('sha256', content, antomKey).toString('base64'));
  return {
    'content-type': 'application/json; charset=UTF-8',
    'client-id': CLIENT_ID,
    'response-time': time,
    signature: `algorithm=RSA256,keyVersion=1,signature=${signature}`,
  };
}

/** Whether the merchant's request signature verifies, as Antom checks it. */
function merchantSigned(req, body) {
  const header = String(req.headers.signature ?? '');
  const match = /(?:^|,)\s*signature=([^,]+)/.exec(header);
  if (!match) return false;
  const content = Buffer.concat([Buffer.from(`POST ${req.url}\n${req.headers['client-id']}.${req.headers['request-time']}.`), body]);
  return crypto.verify('sha256', content, merchantPublic, Buffer.from(decodeURIComponent(match[1]), 'base64'));
}

async function rawBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// The gateway plays the next scripted reply for each request and records what it received.
const seen = [];
let script = [];
let gateway;
let gatewayUrl;
let client;
const sockets = new Set();

before(async () => {
  gateway = http.createServer(async (req, res) => {
    const body = await rawBody(req);
    seen.push({ url: req.url, headers: req.headers, body, signed: merchantSigned(req, body) });
    const step = script.shift() ?? ['signed', PAY_S];
    const [kind, payload] = step;
    if (kind === 'signed') res.writeHead(200, signedHeaders(req.url, payload)).end(payload);
    else if (kind === 'tampered') res.writeHead(200, signedHeaders(req.url, payload)).end(payload.replace('"S"', '"F"'));
    else if (kind === 'unsigned') res.writeHead(200, { 'content-type': 'application/json' }).end(payload);
    else if (kind === 'status') res.writeHead(payload, { 'content-type': 'text/plain' }).end('gateway trouble');
    else if (kind === 'redirect') res.writeHead(307, { location: `${gatewayUrl}/elsewhere` }).end();
    else if (kind === 'silent') {
      // never answers: the client's deadline must end the wait
    } else if (kind === 'stall-body') {
      res.writeHead(200, signedHeaders(req.url, PAY_S));
      res.write(PAY_S.slice(0, 10)); // headers and part of the body, then nothing
    } else if (kind === 'reset') req.socket.destroy();
    else if (kind === 'huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(payload, 0x20));
    } else throw new Error(`unknown step ${kind}`);
  });
  gateway.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  gatewayUrl = `http://127.0.0.1:${gateway.address().port}`;
  client = new Client({
    clientId: CLIENT_ID,
    privateKey: testKey('merchant.private.pkcs8.b64'),
    antomPublicKey: testKey('antom.public.spki.b64'),
    gatewayUrl,
  });
});

after(() => {
  for (const socket of sockets) socket.destroy();
  gateway.close();
  client.free();
});

function reset(steps) {
  seen.length = 0;
  script = steps;
}

const payBody = (id) => JSON.stringify({ paymentRequestId: id, paymentAmount: { currency: 'USD', value: '1000' } });

test('the default deadline is 30 s', () => {
  assert.equal(DEFAULT_TIMEOUT_MS, 30_000);
});

test('send POSTs exactly the prepared bytes and headers, and resolves to the verified response', async () => {
  reset([['signed', PAY_S]]);
  const body = payBody('send-exact-é');
  const requestTime = 1_790_000_000_123;
  const result = await client.send('v1/payments/pay', body, { requestTime });
  assert.equal(seen.length, 1);
  const [got] = seen;
  assert.equal(got.signed, true, 'the gateway verified the merchant signature');
  assert.equal(got.url, PAY_PATH);
  assert.ok(got.body.equals(Buffer.from(body, 'utf8')), 'the body bytes, unchanged');
  // The same request prepared on its own (PKCS#1 v1.5 is deterministic): every header, as sent.
  const prepared = client.prepare('v1/payments/pay', body, requestTime);
  for (const [name, value] of Object.entries(prepared.headers)) {
    assert.equal(got.headers[name.toLowerCase()], value, name);
  }
  assert.equal(got.headers['request-time'], String(requestTime));
  assert.equal(result.outcome, 'SUCCEEDED');
  assert.equal(result.httpStatus, 200);
  assert.equal(result.error, null);
  assert.equal(result.attempts, 1);
  assert.equal(result.response.verified, true);
  assert.equal(result.response.outcome, 'SUCCEEDED');
  assert.equal(result.response.json().paymentId, 'P1');
});

test('send: the outcome is the core\'s (PENDING for a verified U PAYMENT_IN_PROCESS, FAILED for a verified F)', async () => {
  reset([['signed', PAY_U], ['signed', PAY_F]]);
  const pending = await client.send('v1/payments/pay', payBody('send-pending'));
  assert.equal(pending.outcome, 'PENDING');
  assert.equal(pending.response.nextAction, 'INQUIRE');
  const failed = await client.send('v1/payments/pay', payBody('send-failed'));
  assert.equal(failed.outcome, 'FAILED');
  assert.equal(failed.response.resultCode, 'USER_BALANCE_NOT_ENOUGH');
});

test('send: an unsigned F gateway error is a response, unverified, and UNKNOWN', async () => {
  reset([['unsigned', PAY_F]]);
  const result = await client.send('v1/payments/pay', payBody('send-unsigned-f'));
  assert.equal(result.response.verified, false);
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.error, null);
});

test('send: a reply that fails verification throws its AntomError', async () => {
  reset([['tampered', PAY_S], ['unsigned', PAY_S]]);
  await assert.rejects(client.send('v1/payments/pay', payBody('send-tampered')), (err) => {
    assert.ok(err instanceof AntomError);
    assert.equal(err.code, 'SIGNATURE_MISMATCH');
    return true;
  });
  await assert.rejects(client.send('v1/payments/pay', payBody('send-unsigned-s')), { code: 'UNSIGNED_RESPONSE' });
  assert.equal(seen.length, 2);
});

test('send: a reply over maxBodyBytes is refused by the core from its length (INVALID_INPUT)', async () => {
  const small = new Client({
    clientId: CLIENT_ID,
    privateKey: testKey('merchant.private.pkcs8.b64'),
    antomPublicKey: testKey('antom.public.spki.b64'),
    gatewayUrl,
    maxBodyBytes: 4096,
  });
  try {
    reset([['huge', 1 << 20]]);
    await assert.rejects(small.send('v1/payments/pay', payBody('send-huge')), (err) => {
      assert.equal(err.code, 'INVALID_INPUT');
      assert.match(err.message, /4096/);
      return true;
    });
  } finally {
    small.free();
  }
});

for (const status of [503, 500, 404, 400]) {
  test(`send: HTTP ${status} is UNKNOWN / HTTP_STATUS, never FAILED, never thrown`, async () => {
    reset([['status', status]]);
    const result = await client.send('v1/payments/pay', payBody(`send-${status}`));
    assert.equal(result.outcome, 'UNKNOWN');
    assert.equal(result.response, null);
    assert.equal(result.httpStatus, status);
    assert.equal(result.error.code, 'HTTP_STATUS');
    assert.match(result.error.message, new RegExp(`HTTP ${status}`));
    assert.equal(result.attempts, 1);
    assert.equal(seen.length, 1, 'no retry by default');
  });
}

test('send: a redirect is not followed (the signed request goes nowhere else): UNKNOWN', async () => {
  reset([['redirect']]);
  const result = await client.send('v1/payments/pay', payBody('send-redirect'));
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.httpStatus, 307);
  assert.equal(result.error.code, 'HTTP_STATUS');
  assert.deepEqual(seen.map((s) => s.url), [PAY_PATH]);
});

test('send: no reply within timeoutMs is UNKNOWN / TIMEOUT, promptly', async () => {
  reset([['silent']]);
  const started = performance.now();
  const result = await client.send('v1/payments/pay', payBody('send-silent'), { timeoutMs: 300 });
  const took = performance.now() - started;
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.error.code, 'TIMEOUT');
  assert.equal(result.httpStatus, null);
  assert.equal(result.response, null);
  assert.ok(took >= 290 && took < 3000, `took ${took} ms`);
});

test('send: the deadline covers the whole reply (headers arrived, body stalled): TIMEOUT', async () => {
  reset([['stall-body']]);
  const result = await client.send('v1/payments/pay', payBody('send-stall'), { timeoutMs: 300 });
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.error.code, 'TIMEOUT');
  assert.equal(result.httpStatus, 200);
});

test('send: a connection reset and a refused connection are UNKNOWN / TRANSPORT_ERROR', async () => {
  reset([['reset']]);
  const dropped = await client.send('v1/payments/pay', payBody('send-reset'));
  assert.equal(dropped.outcome, 'UNKNOWN');
  assert.equal(dropped.error.code, 'TRANSPORT_ERROR');
  assert.ok(dropped.error.cause instanceof Error, 'the fetch error is kept as cause');

  // A port nothing listens on: bind one, note it, close it.
  const spare = http.createServer();
  spare.listen(0, '127.0.0.1');
  await once(spare, 'listening');
  const port = spare.address().port;
  spare.close();
  await once(spare, 'close');
  const nowhere = new Client({
    clientId: CLIENT_ID,
    privateKey: testKey('merchant.private.pkcs8.b64'),
    antomPublicKey: testKey('antom.public.spki.b64'),
    gatewayUrl: `http://127.0.0.1:${port}`,
  });
  try {
    const refused = await nowhere.send('v1/payments/pay', payBody('send-refused'), { retries: 2 });
    assert.equal(refused.outcome, 'UNKNOWN');
    assert.equal(refused.error.code, 'TRANSPORT_ERROR');
    assert.match(refused.error.message, /ECONNREFUSED/);
    assert.equal(refused.attempts, 3);
    assert.equal(refused.httpStatus, null);
  } finally {
    nowhere.free();
  }
});

test('send: retries resend the IDENTICAL request after 5xx / timeout / reset, then verify', async () => {
  reset([['status', 503], ['silent'], ['reset'], ['signed', PAY_S]]);
  const result = await client.send('v1/payments/pay', payBody('send-retry'), { retries: 3, timeoutMs: 300 });
  assert.equal(result.outcome, 'SUCCEEDED');
  assert.equal(result.attempts, 4);
  assert.equal(seen.length, 4);
  for (const attempt of seen.slice(1)) {
    assert.ok(attempt.body.equals(seen[0].body), 'the same bytes');
    for (const name of ['client-id', 'request-time', 'signature', 'content-type']) {
      assert.equal(attempt.headers[name], seen[0].headers[name], name);
    }
    assert.equal(attempt.signed, true);
  }
});

test('send: retries stop at a 4xx and when they run out (the last fault is reported)', async () => {
  reset([['status', 502], ['status', 400], ['signed', PAY_S]]);
  const fourxx = await client.send('v1/payments/pay', payBody('send-retry-4xx'), { retries: 5 });
  assert.equal(fourxx.attempts, 2);
  assert.equal(fourxx.httpStatus, 400);
  assert.equal(fourxx.outcome, 'UNKNOWN');
  reset([['status', 503], ['status', 504]]);
  const out = await client.send('v1/payments/pay', payBody('send-retry-out'), { retries: 1 });
  assert.equal(out.attempts, 2);
  assert.equal(out.httpStatus, 504);
  assert.equal(out.error.code, 'HTTP_STATUS');
  assert.equal(seen.length, 2);
});

test('send: a verification failure is never retried', async () => {
  reset([['tampered', PAY_S], ['signed', PAY_S]]);
  await assert.rejects(client.send('v1/payments/pay', payBody('send-no-retry'), { retries: 3 }), { code: 'SIGNATURE_MISMATCH' });
  assert.equal(seen.length, 1);
});

test('send: options.fetch is used (with the request and an abort signal)', async () => {
  reset([['signed', PAY_S]]);
  const calls = [];
  const recording = (url, init) => {
    calls.push({ url, init });
    return fetch(url, init);
  };
  const result = await client.send('v1/payments/pay', payBody('send-own-fetch'), { fetch: recording });
  assert.equal(result.outcome, 'SUCCEEDED');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, `${gatewayUrl}${PAY_PATH}`);
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.redirect, 'manual');
  assert.ok(calls[0].init.signal instanceof AbortSignal);
  // A fetch that throws synchronously-rejecting errors is a transport error too.
  const broken = async () => {
    throw new TypeError('fetch failed');
  };
  const failed = await client.send('v1/payments/pay', payBody('send-broken-fetch'), { fetch: broken });
  assert.equal(failed.error.code, 'TRANSPORT_ERROR');
});

test('send: bad options and arguments throw before anything is signed or sent', async () => {
  reset([]);
  for (const options of [{ timeoutMs: 0 }, { timeoutMs: 1.5 }, { retries: -1 }, { retries: 11 }, { fetch: 'no' }, 'fast']) {
    await assert.rejects(client.send('v1/payments/pay', payBody('bad'), options), TypeError, JSON.stringify(options));
  }
  await assert.rejects(client.send('v1/payments/pay', '[]'), { code: 'INVALID_INPUT' });
  assert.equal(seen.length, 0);
});

test('send works with an external signer (the signature made by the signer)', async () => {
  reset([['signed', PAY_S]]);
  const signer = ({ message }) => crypto.sign('sha256', message, merchantPrivate);
  const external = new Client({
    clientId: CLIENT_ID,
    antomPublicKey: testKey('antom.public.spki.b64'),
    merchantPublicKey: PublicKey.parse(testKey('merchant.public.spki.b64')),
    signer,
    gatewayUrl,
  });
  try {
    const result = await external.send('v1/payments/pay', payBody('send-external'));
    assert.equal(result.outcome, 'SUCCEEDED');
    assert.equal(seen[0].signed, true);
  } finally {
    external.free();
  }
});

test('send on a verify-only client throws INVALID_INPUT and sends nothing', async () => {
  reset([]);
  const verifyOnly = new Client({ clientId: CLIENT_ID, antomPublicKey: testKey('antom.public.spki.b64'), gatewayUrl });
  try {
    await assert.rejects(verifyOnly.send('v1/payments/pay', payBody('x')), { code: 'INVALID_INPUT' });
    assert.equal(seen.length, 0);
  } finally {
    verifyOnly.free();
  }
});

test('send verifies TLS certificates: a self-signed gateway is a TRANSPORT_ERROR and gets no request', async () => {
  // A throw-away self-signed certificate for 127.0.0.1 (tests/vectors/keys/TEST-ONLY-tls.*).
  const fixture = (name) => testKey(`tls.${name}.pem`);
  let requests = 0;
  const server = https.createServer({ key: fixture('key'), cert: fixture('cert') }, (req, res) => {
    requests += 1;
    res.writeHead(200, signedHeaders(req.url, PAY_S)).end(PAY_S);
  });
  server.on('tlsClientError', () => {}); // the client hangs up on the certificate: expected
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const tlsClient = new Client({
    clientId: CLIENT_ID,
    privateKey: testKey('merchant.private.pkcs8.b64'),
    antomPublicKey: testKey('antom.public.spki.b64'),
    gatewayUrl: `https://127.0.0.1:${server.address().port}`,
  });
  try {
    const result = await tlsClient.send('v1/payments/pay', payBody('send-tls'));
    assert.equal(result.outcome, 'UNKNOWN');
    assert.equal(result.error.code, 'TRANSPORT_ERROR');
    assert.match(result.error.message, /SELF_SIGNED|CERT/);
    assert.equal(requests, 0, 'nothing was sent over the unverified connection');

    // Node's process-wide switch that would turn the check off: send refuses, before sending.
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      await assert.rejects(tlsClient.send('v1/payments/pay', payBody('send-tls-off')), { code: 'TLS_VERIFICATION_OFF' });
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    }
    assert.equal(requests, 0);
  } finally {
    tlsClient.free();
    server.close();
  }
});
