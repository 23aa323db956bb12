// The webhook handlers without a framework: handleNotification (raw headers + bytes in, the
// answer out) and webNotificationHandler with Node's own Request / Response, directly and behind
// a real node:http server bridging to it. Notifications are signed here with node:crypto and
// the throw-away Antom test key, the way Antom signs them.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, test } from 'node:test';

import {
  Client,
  NOTIFICATION_ACK,
  expressNotificationHandler,
  fastifyNotificationPlugin,
  handleNotification,
  webNotificationHandler,
} from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';

const PATH = '/antom/notify';
const der = (name) => Buffer.from(testKey(name), 'base64');
const antomKey = crypto.createPrivateKey({ key: der('antom.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });
const otherKey = crypto.createPrivateKey({ key: der('other.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });

function signedBy(key, body, { path = PATH, time = '2026-11-29T10:00:00Z' } = {}) {
  const content = Buffer.concat([Buffer.from(`POST ${path}\n${CLIENT_ID}.${time}.`), Buffer.from(body)]);
  const signature = encodeURIComponent(crypto.sign('sha256', content, key).toString('base64'));
  return {
    'content-type': 'application/json; charset=UTF-8',
    'client-id': CLIENT_ID,
    'request-time': time,
    signature: `algorithm=RSA256,keyVersion=1,signature=${signature}`,
  };
}

const paid = JSON.stringify({
  notifyType: 'PAYMENT_RESULT',
  result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' },
  paymentRequestId: 'webhook-1',
  paymentId: 'P-webhook-1',
  paymentAmount: { currency: 'USD', value: '1000' },
});

let client;
before(() => {
  // A verify-only client: what a webhook service should hold.
  client = new Client({ clientId: CLIENT_ID, antomPublicKey: testKey('antom.public.spki.b64') });
});
after(() => client.free());

test('handleNotification: 200 + ACK only after verification and after the callback resolves', async () => {
  const events = [];
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  const options = {
    client,
    path: PATH,
    onNotification: async (n) => {
      events.push(`callback ${n.notifyType} ${n.outcome}`);
      await gate;
      events.push('callback done');
    },
  };
  const pending = handleNotification(options, signedBy(antomKey, paid), Buffer.from(paid));
  pending.then(() => events.push('answered'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(events, ['callback PAYMENT_RESULT SUCCEEDED'], 'no answer while the callback runs');
  release();
  const reply = await pending;
  assert.deepEqual(events, ['callback PAYMENT_RESULT SUCCEEDED', 'callback done', 'answered']);
  assert.equal(reply.status, 200);
  assert.equal(reply.body, NOTIFICATION_ACK);
  assert.match(reply.headers['content-type'], /^application\/json/);
  assert.equal(reply.notification.dedupKey, 'PAYMENT_RESULT:paymentId=P-webhook-1');
});

test('handleNotification: forged or tampered is 401 with the error code only; the callback never runs', async () => {
  let calls = 0;
  const options = { client, path: PATH, onNotification: () => void (calls += 1) };
  const tampered = Buffer.from(paid);
  tampered[tampered.indexOf('1000')] = '9'.charCodeAt(0); // one byte changed
  const cases = [
    [signedBy(antomKey, paid), tampered, 'SIGNATURE_MISMATCH'],
    [signedBy(otherKey, paid), Buffer.from(paid), 'SIGNATURE_MISMATCH'],
    [signedBy(antomKey, paid, { path: '/elsewhere' }), Buffer.from(paid), 'SIGNATURE_MISMATCH'],
    [{ 'content-type': 'application/json' }, Buffer.from(paid), 'MISSING_HEADER'],
  ];
  for (const [headers, body, code] of cases) {
    const reply = await handleNotification(options, headers, body);
    assert.equal(reply.status, 401);
    assert.equal(reply.body, code);
    assert.equal(reply.notification, undefined);
  }
  assert.equal(calls, 0);
});

test('handleNotification: the callback throwing or rejecting is 500 (Antom retries), reported to onError', async () => {
  const reported = [];
  for (const onNotification of [
    () => {
      throw new Error('database down');
    },
    async () => Promise.reject(new Error('queue full')),
  ]) {
    const reply = await handleNotification(
      { client, path: PATH, onNotification, onError: (e) => reported.push(e.message) },
      signedBy(antomKey, paid),
      paid,
    );
    assert.equal(reply.status, 500);
    assert.notEqual(reply.body, NOTIFICATION_ACK);
    assert.ok(!reply.body.includes('database') && !reply.body.includes('queue'), 'no detail in the answer');
    assert.ok(reply.error instanceof Error);
  }
  assert.deepEqual(reported, ['database down', 'queue full']);
});

test('handleNotification: maxAgeMs refuses a stale notification (401 INVALID_INPUT)', async () => {
  const reply = await handleNotification(
    { client, path: PATH, onNotification() {}, maxAgeMs: 60_000 },
    signedBy(antomKey, paid, { time: '2020-01-01T00:00:00Z' }),
    paid,
  );
  assert.deepEqual([reply.status, reply.body], [401, 'INVALID_INPUT']);
});

test('the handlers check their options when they are made', () => {
  const good = { client, path: PATH, onNotification() {} };
  for (const make of [expressNotificationHandler, fastifyNotificationPlugin, webNotificationHandler]) {
    assert.equal(typeof make(good), 'function');
    assert.throws(() => make({ ...good, client: {} }), TypeError);
    assert.throws(() => make({ ...good, path: 'antom/notify' }), TypeError);
    assert.throws(() => make({ ...good, onNotification: undefined }), TypeError);
    assert.throws(() => make({ ...good, onError: 'log' }), TypeError);
    assert.throws(() => make(null), TypeError);
  }
});

test('webNotificationHandler: Node\'s Request in, Response out', async () => {
  const got = [];
  const handler = webNotificationHandler({ client, path: PATH, onNotification: (n) => got.push(n) });
  const ok = await handler(new Request(`http://localhost${PATH}`, { method: 'POST', headers: signedBy(antomKey, paid), body: paid }));
  assert.ok(ok instanceof Response);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), NOTIFICATION_ACK);
  assert.equal(got.length, 1);
  assert.equal(got[0].outcome, 'SUCCEEDED');
  assert.equal(got[0].body.toString('utf8'), paid, 'the verified bytes are the request body');

  const forged = await handler(
    new Request(`http://localhost${PATH}`, { method: 'POST', headers: signedBy(otherKey, paid), body: paid }),
  );
  assert.equal(forged.status, 401);
  assert.equal(await forged.text(), 'SIGNATURE_MISMATCH');
  assert.equal(got.length, 1);
});

test('webNotificationHandler: a Content-Length over maxBodyBytes is 401 before the body is read', async () => {
  const small = new Client({ clientId: CLIENT_ID, antomPublicKey: testKey('antom.public.spki.b64'), maxBodyBytes: 1024 });
  try {
    const handler = webNotificationHandler({ client: small, path: PATH, onNotification() {} });
    let pulled = 0;
    const body = new ReadableStream({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(4096));
        controller.close();
      },
    });
    const request = new Request(`http://localhost${PATH}`, {
      method: 'POST',
      headers: { ...signedBy(antomKey, paid), 'content-length': '4096' },
      body,
      duplex: 'half',
    });
    const res = await handler(request);
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'INVALID_INPUT');
    assert.equal(request.bodyUsed, false, 'the body was not read');
    assert.ok(pulled <= 1);
  } finally {
    small.free();
  }
});

test('webNotificationHandler: a body without Content-Length stops being read past maxBodyBytes', { timeout: 10_000 }, async () => {
  const small = new Client({ clientId: CLIENT_ID, antomPublicKey: testKey('antom.public.spki.b64'), maxBodyBytes: 1024 });
  try {
    const handler = webNotificationHandler({ client: small, path: PATH, onNotification() {} });
    let pulled = 0;
    // An endless chunked body: a handler that reads it to the end never answers.
    const body = new ReadableStream({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512));
      },
    });
    const request = new Request(`http://localhost${PATH}`, {
      method: 'POST',
      headers: signedBy(antomKey, paid),
      body,
      duplex: 'half',
    });
    assert.equal(request.headers.get('content-length'), null);
    const res = await handler(request);
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'INVALID_INPUT');
    assert.ok(pulled <= 4, `pulled ${pulled} chunks of 512 bytes for a 1024-byte limit`);
  } finally {
    small.free();
  }
});

test('webNotificationHandler behind a real node:http server (a minimal bridge)', async () => {
  const got = [];
  const handler = webNotificationHandler({ client, path: PATH, onNotification: (n) => got.push(n.dedupKey) });
  // The bridge: Node's IncomingMessage as a web Request, the Response written back.
  const server = http.createServer(async (req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
      body: req,
      duplex: 'half',
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${server.address().port}${PATH}`;
    const ok = await fetch(url, { method: 'POST', headers: signedBy(antomKey, paid), body: paid });
    assert.deepEqual([ok.status, await ok.text()], [200, NOTIFICATION_ACK]);
    const tampered = paid.replace('webhook-1', 'webhook-2');
    const bad = await fetch(url, { method: 'POST', headers: signedBy(antomKey, paid), body: tampered });
    assert.deepEqual([bad.status, await bad.text()], [401, 'SIGNATURE_MISMATCH']);
    assert.deepEqual(got, ['PAYMENT_RESULT:paymentId=P-webhook-1']);
  } finally {
    server.close();
  }
});
