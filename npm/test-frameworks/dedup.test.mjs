// antom-core/dedup's dispatcher as the options of the real Express and Fastify adapters, with
// notifications from the simulator (`antom trigger notifyPayment`, and one of them captured and
// replayed several times at once): the handler of its type runs once, duplicates are answered
// 200 (done) or 500 IN_PROGRESS (in flight), a handler failing mid-way answers 500
// CALLBACK_FAILED and its redelivery runs it, a forgery answers 401 with the code. The store
// here is a small in-memory DedupStore (what is under test is the adapters' answers; the
// reference stores run on real databases in test/dedup.test.mjs).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import express from 'express';
import Fastify from 'fastify';
import { Client, NOTIFICATION_ACK, expressNotificationHandler, fastifyNotificationPlugin } from 'antom-core';
import { dispatcher, newToken } from 'antom-core/dedup';

import { CLIENT_ID } from './helpers.mjs';
import { ANTOM_PUBLIC_KEY, trigger } from './simulator.mjs';

const PATH = '/antom/notify';
const client = new Client({ clientId: CLIENT_ID, antomPublicKey: ANTOM_PUBLIC_KEY });
after(() => client.free());

/** A DedupStore in a Map (one process; no lease expiry needed here). */
function memoryStore() {
  const rows = new Map();
  return {
    rows,
    claim(key) {
      const row = rows.get(key);
      if (row?.state === 'done') return { key, outcome: 'ALREADY_DONE', token: null };
      if (row) return { key, outcome: 'IN_PROGRESS', token: null };
      const token = newToken();
      rows.set(key, { state: 'claimed', token });
      return { key, outcome: 'CLAIMED', token };
    },
    async complete(claim, effect) {
      const result = await effect(null);
      const row = rows.get(claim.key);
      if (row?.token !== claim.token) throw new Error('claim lost');
      rows.set(claim.key, { state: 'done' });
      return result;
    },
    release(claim) {
      if (rows.get(claim.key)?.token === claim.token) rows.delete(claim.key);
    },
  };
}

const paid = [];
let failNext = false;
const store = memoryStore();
const antomWebhook = dispatcher({
  client,
  path: PATH,
  store,
  onError: () => {},
  handlers: {
    PAYMENT_RESULT: async (notification, { body }) => {
      await new Promise((resolve) => setTimeout(resolve, 30)); // long enough for duplicates to overlap
      if (failNext) {
        failNext = false;
        throw new Error('failed mid-way');
      }
      paid.push(body.paymentRequestId);
    },
  },
});

/** One notification exactly as the simulator sent it, to replay. */
async function capture(paymentRequestId) {
  let got;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    got = { headers: { ...req.headers }, body: Buffer.concat(chunks) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sent = await trigger(`http://127.0.0.1:${server.address().port}${PATH}`, { paymentRequestId });
  server.close();
  assert.equal(sent.code, 0, sent.stdout);
  for (const name of ['host', 'connection', 'content-length', 'transfer-encoding']) delete got.headers[name];
  return got;
}

function suite(name, start) {
  describe(`${name} with the dedup dispatcher`, () => {
    let app;
    before(async () => {
      app = await start();
    });
    after(() => app.close());

    test(`${name}: a simulator notification runs its handler once; concurrent replays do not`, async () => {
      const id = `${name}-dedup-1`;
      const ok = await trigger(app.url, { paymentRequestId: id });
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /answer: HTTP 200, acknowledged/);
      assert.deepEqual(paid.filter((p) => p === id), [id]);

      const captured = await capture(`${name}-dedup-2`);
      const post = () => fetch(app.url, { method: 'POST', headers: captured.headers, body: captured.body });
      const answers = await Promise.all(Array.from({ length: 6 }, async () => {
        const r = await post();
        return [r.status, await r.text()];
      }));
      for (const [status, body] of answers) {
        assert.ok((status === 200 && body === NOTIFICATION_ACK) || (status === 500 && body === 'IN_PROGRESS'), `${status} ${body}`);
      }
      assert.ok(answers.some(([status]) => status === 200));
      const replay = await post();
      assert.deepEqual([replay.status, await replay.text()], [200, NOTIFICATION_ACK]);
      assert.deepEqual(paid.filter((p) => p === `${name}-dedup-2`), [`${name}-dedup-2`]);
    });

    test(`${name}: a handler failing mid-way answers 500 CALLBACK_FAILED; the redelivery runs it`, async () => {
      const captured = await capture(`${name}-dedup-3`);
      const post = () => fetch(app.url, { method: 'POST', headers: captured.headers, body: captured.body });
      failNext = true;
      const failed = await post();
      assert.deepEqual([failed.status, await failed.text()], [500, 'CALLBACK_FAILED']);
      assert.equal(paid.includes(`${name}-dedup-3`), false);
      const again = await post();
      assert.deepEqual([again.status, await again.text()], [200, NOTIFICATION_ACK]);
      assert.deepEqual(paid.filter((p) => p === `${name}-dedup-3`), [`${name}-dedup-3`]);
    });

    test(`${name}: a forgery answers 401 with the code and runs nothing`, async () => {
      const before = paid.length;
      const forged = await trigger(app.url, { key: 'other.private.pkcs8.b64' });
      assert.equal(forged.code, 1, forged.stdout);
      assert.match(forged.stdout, /answer: HTTP 401/);
      assert.equal(paid.length, before);
    });
  });
}

suite('Express', async () => {
  const app = express();
  app.post(PATH, express.raw({ type: '*/*' }), expressNotificationHandler(antomWebhook));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}${PATH}`, close: () => server.close() };
});

suite('Fastify', async () => {
  const fastify = Fastify();
  fastify.register(fastifyNotificationPlugin(antomWebhook));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${fastify.server.address().port}${PATH}`, close: () => fastify.close() };
});
