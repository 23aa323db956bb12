// The webhook adapters in the real frameworks (express and fastify pinned by package-lock.json,
// antom-core from the packed tarball), each on 127.0.0.1, receiving notifications from the
// simulator's `antom trigger notifyPayment`: signed with the Antom test key -> 200 + ACK after
// the callback; signed with another key, or one byte changed -> 401; the callback throwing ->
// 500. The apps are the README's own (readme-apps.mjs).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import express from 'express';
import Fastify from 'fastify';
import { Client, NOTIFICATION_ACK, expressNotificationHandler, fastifyNotificationPlugin } from 'antom-core';

import { CLIENT_ID } from './helpers.mjs';
import { expressApp, fastifyApp, nodeHttpServer, webHandler } from './readme-apps.mjs';
import { ANTOM_PUBLIC_KEY, trigger } from './simulator.mjs';

const PATH = '/antom/notify';
const client = new Client({ clientId: CLIENT_ID, antomPublicKey: ANTOM_PUBLIC_KEY });

// What each app's onNotification saw, and whether it should fail (to test the 500).
const received = [];
let failNext = false;
async function onNotification(notification) {
  await new Promise((resolve) => setImmediate(resolve)); // an asynchronous callback, as real ones are
  if (failNext) {
    failNext = false;
    throw new Error('simulated database outage');
  }
  received.push(notification);
}
const onError = () => {}; // the apps below that are not the README's: their failures are not under test

/** A server that records one notification exactly as the simulator sent it (to replay it). */
async function capture() {
  let got;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    got = { headers: { ...req.headers }, body: Buffer.concat(chunks) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sent = await trigger(`http://127.0.0.1:${server.address().port}${PATH}`, { paymentRequestId: 'captured-1' });
  server.close();
  assert.equal(sent.code, 0, sent.stdout);
  // The signed headers stay; fetch sets the transport ones itself.
  for (const name of ['host', 'connection', 'content-length', 'transfer-encoding']) delete got.headers[name];
  return got;
}

let captured;
before(async () => {
  captured = await capture();
});
after(() => client.free());

/** Every framework gets the same checks; `start()` resolves to `{ url, close() }`. */
function suite(name, start) {
  describe(name, () => {
    let app;
    before(async () => {
      app = await start();
    });
    after(() => app.close());

    test('a notification signed by the simulator: 200 + ACK, after the callback, with outcome', async () => {
      received.length = 0;
      const ok = await trigger(app.url, { paymentRequestId: `${name}-paid` });
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /answer: HTTP 200, acknowledged/);
      assert.equal(received.length, 1);
      assert.equal(received[0].notifyType, 'PAYMENT_RESULT');
      assert.equal(received[0].outcome, 'SUCCEEDED');
      assert.equal(received[0].json().paymentRequestId, `${name}-paid`);

      const declined = await trigger(app.url, { status: 'FAIL', paymentRequestId: `${name}-declined` });
      assert.equal(declined.code, 0, declined.stdout);
      assert.equal(received[1].outcome, 'FAILED');

      // A PAYMENT_PENDING notification is acknowledged too, and is not payment.
      const pending = await trigger(app.url, { status: 'PENDING', paymentRequestId: `${name}-pending` });
      assert.equal(pending.code, 0, pending.stdout);
      assert.equal(received[2].notifyType, 'PAYMENT_PENDING');
      assert.equal(received[2].outcome, 'PENDING');
    });

    test('signed with another key: 401, never processed', async () => {
      received.length = 0;
      const forged = await trigger(app.url, { key: 'other.private.pkcs8.b64' });
      assert.equal(forged.code, 1, forged.stdout);
      assert.match(forged.stdout, /answer: HTTP 401/);
      assert.equal(received.length, 0);
    });

    test('the captured notification replays as 200; with one byte changed it is 401', async () => {
      received.length = 0;
      const post = (body) => fetch(app.url, { method: 'POST', headers: captured.headers, body });
      const same = await post(captured.body);
      assert.deepEqual([same.status, await same.text()], [200, NOTIFICATION_ACK]);
      const tampered = Buffer.from(captured.body);
      const at = tampered.indexOf('captured-1') + 'captured-'.length;
      tampered[at] = '2'.charCodeAt(0);
      const bad = await post(tampered);
      assert.deepEqual([bad.status, await bad.text()], [401, 'SIGNATURE_MISMATCH']);
      assert.equal(received.length, 1);
      assert.equal(received[0].json().paymentRequestId, 'captured-1');
    });

    test('the callback throwing: 500 (the simulator would retry), the error reported (console.error by default)', async (t) => {
      const logged = t.mock.method(console, 'error', () => {});
      failNext = true;
      const failed = await trigger(app.url);
      failNext = false; // consumed by the callback; reset here so a failure cannot leak into later tests
      assert.equal(failed.code, 1, failed.stdout);
      assert.match(failed.stdout, /answer: HTTP 500/);
      const reported = logged.mock.calls.flatMap((call) => call.arguments).filter((arg) => arg instanceof Error);
      assert.deepEqual(reported.map((e) => e.message), ['simulated database outage']);
    });
  });
}

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${server.address().port}`;
}

suite('express', async () => {
  const server = http.createServer(expressApp(client, onNotification));
  const base = await listen(server);
  return { url: `${base}${PATH}`, close: () => server.close() };
});

suite('fastify', async () => {
  const fastify = fastifyApp(client, onNotification);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address();
  return { url: `http://127.0.0.1:${port}${PATH}`, close: () => fastify.close() };
});

suite('web Request handler behind node:http', async () => {
  const handler = webHandler(client, onNotification);
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
  const base = await listen(server);
  return { url: `${base}${PATH}`, close: () => server.close() };
});

suite('node:http with handleNotification', async () => {
  const server = nodeHttpServer(client, onNotification);
  const base = await listen(server);
  return { url: `${base}${PATH}`, close: () => server.close() };
});

test('the frameworks under test are the pinned versions', () => {
  const require = createRequire(import.meta.url);
  assert.equal(require('express/package.json').version, '5.3.0');
  assert.equal(require('fastify/package.json').version, '5.12.8');
});

test('express: refuses to run when a JSON body parser consumed the body first (500, a clear TypeError)', async () => {
  const app = express();
  app.use(express.json({ type: () => true }));
  app.post(PATH, expressNotificationHandler({ client, path: PATH, onNotification, onError }));
  let seen;
  app.use((err, req, res, next) => {
    seen = err;
    res.status(500).end();
  });
  const server = http.createServer(app);
  const base = await listen(server);
  try {
    received.length = 0;
    const res = await fetch(`${base}${PATH}`, { method: 'POST', headers: captured.headers, body: captured.body });
    assert.equal(res.status, 500);
    assert.ok(seen instanceof TypeError);
    assert.match(seen.message, /express\.raw/);
    assert.equal(received.length, 0);
  } finally {
    server.close();
  }
});

test('the README apps: the routes outside the webhook still get parsed JSON', async () => {
  const app = expressApp(client, onNotification);
  app.post('/api/echo', (req, res) => res.json({ parsed: req.body }));
  const server = http.createServer(app);
  const expressBase = await listen(server);
  const fastify = fastifyApp(client, onNotification);
  fastify.post('/api/echo', async (request) => ({ parsed: request.body }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  try {
    for (const base of [expressBase, `http://127.0.0.1:${fastify.server.address().port}`]) {
      const res = await fetch(`${base}/api/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      assert.deepEqual(await res.json(), { parsed: { a: 1 } }, base);
    }
  } finally {
    server.close();
    await fastify.close();
  }
});

test('express: a notification without a content-type (express.raw lets it pass) is read raw and verified', async () => {
  const small = new Client({ clientId: CLIENT_ID, antomPublicKey: ANTOM_PUBLIC_KEY, maxBodyBytes: 1024 });
  const servers = [http.createServer(expressApp(client, onNotification)), http.createServer(expressApp(small, onNotification))];
  const [base, smallBase] = [await listen(servers[0]), await listen(servers[1])];
  try {
    received.length = 0;
    const { 'content-type': _, ...headers } = captured.headers;
    const res = await fetch(`${base}${PATH}`, { method: 'POST', headers, body: captured.body });
    assert.deepEqual([res.status, await res.text()], [200, NOTIFICATION_ACK]);
    assert.equal(received.length, 1);
    const tampered = Buffer.from(captured.body);
    tampered[tampered.length - 2] ^= 1;
    const bad = await fetch(`${base}${PATH}`, { method: 'POST', headers, body: tampered });
    assert.equal(bad.status, 401);
    // Over maxBodyBytes: refused by the core from the length read so far.
    const big = await fetch(`${smallBase}${PATH}`, { method: 'POST', headers, body: Buffer.alloc(4096, 0x20) });
    assert.deepEqual([big.status, await big.text()], [401, 'INVALID_INPUT']);
    assert.equal(received.length, 1);
  } finally {
    for (const server of servers) server.close();
    small.free();
  }
});

test('fastify: a notification without a content-type is still verified from its raw bytes', async () => {
  const fastify = Fastify();
  fastify.register(fastifyNotificationPlugin({ client, path: PATH, onNotification, onError }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  try {
    received.length = 0;
    const { 'content-type': _, ...headers } = captured.headers;
    const res = await fetch(`http://127.0.0.1:${fastify.server.address().port}${PATH}`, {
      method: 'POST',
      headers,
      body: captured.body,
    });
    assert.equal(res.status, 200);
    assert.equal(received.length, 1);
  } finally {
    await fastify.close();
  }
});
