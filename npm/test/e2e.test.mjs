// End to end over real sockets on 127.0.0.1: a node:http webhook receiving notifications
// signed with the throw-away Antom test key, and fetch() to a local gateway that checks the
// merchant's signature and answers signed responses. The "Antom" side uses node:crypto only.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { AntomError, Client, NOTIFICATION_ACK } from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';

const der = (name) => Buffer.from(testKey(name), 'base64');
const antomKey = crypto.createPrivateKey({ key: der('antom.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });
const merchantPublic = crypto.createPublicKey({ key: der('merchant.public.spki.b64'), format: 'der', type: 'spki' });

/** How Antom signs: `POST path\nclient-id.time.body`, base64, percent-encoded. */
function antomSignature(path, clientId, time, body) {
  const content = Buffer.concat([Buffer.from(`POST ${path}\n${clientId}.${time}.`), Buffer.from(body)]);
  const signature = crypto.sign('sha256', content, antomKey).toString('base64');
  return `algorithm=RSA256,keyVersion=1,signature=${encodeURIComponent(signature)}`;
}

async function rawBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const clients = {};
const received = [];
let webhook;
let gateway;
let webhookUrl;
let gatewayUrl;
let gatewayMode = 'signed';

before(async () => {
  // The merchant's webhook, written the way the README shows it.
  webhook = http.createServer(async (req, res) => {
    const body = await rawBody(req);
    const client = clients[req.headers['x-test-engine'] ?? 'node'];
    try {
      const notification = client.verifyNotification('/antom/notify', req.headers, body);
      received.push(notification);
      res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK);
    } catch (err) {
      if (!(err instanceof AntomError)) throw err;
      res.writeHead(401, { 'content-type': 'text/plain' }).end(err.code);
    }
  });
  // A stand-in for the Antom gateway.
  gateway = http.createServer(async (req, res) => {
    const body = await rawBody(req);
    const header = String(req.headers.signature);
    const signature = decodeURIComponent(/(?:^|,)\s*signature=([^,]+)/.exec(header)[1]);
    const content = Buffer.concat([
      Buffer.from(`POST ${req.url}\n${req.headers['client-id']}.${req.headers['request-time']}.`),
      body,
    ]);
    const merchantOk = crypto.verify('sha256', content, merchantPublic, Buffer.from(signature, 'base64'));
    const out = Buffer.from(
      merchantOk
        ? JSON.stringify({ result: { resultStatus: 'S', resultCode: 'SUCCESS', resultMessage: 'success' }, echo: JSON.parse(body) })
        : '{"result":{"resultStatus":"F","resultCode":"INVALID_SIGNATURE","resultMessage":"bad"}}',
    );
    const time = String(Date.now());
    const headers = { 'content-type': 'application/json; charset=UTF-8' };
    if (merchantOk && gatewayMode !== 'unsigned') {
      headers['client-id'] = req.headers['client-id'];
      headers['response-time'] = time;
      headers.signature = antomSignature(req.url, req.headers['client-id'], time, out);
    }
    if (gatewayMode === 'tampered') out[out.length - 3] ^= 1;
    res.writeHead(200, headers).end(out);
  });
  webhook.listen(0, '127.0.0.1');
  gateway.listen(0, '127.0.0.1');
  await Promise.all([once(webhook, 'listening'), once(gateway, 'listening')]);
  webhookUrl = `http://127.0.0.1:${webhook.address().port}/antom/notify`;
  gatewayUrl = `http://127.0.0.1:${gateway.address().port}`;
  for (const engine of ['node', 'wasm']) {
    clients[engine] = new Client({
      clientId: CLIENT_ID,
      privateKey: testKey('merchant.private.pkcs8.b64'),
      antomPublicKey: testKey('antom.public.spki.b64'),
      gatewayUrl,
      engine,
    });
  }
});

after(() => {
  webhook.close();
  gateway.close();
  for (const client of Object.values(clients)) client.free();
});

function notification(body, { clientId = CLIENT_ID, path = '/antom/notify', time = '1700000000123' } = {}) {
  return {
    'content-type': 'application/json',
    'client-id': clientId,
    'request-time': time,
    signature: antomSignature(path, clientId, time, Buffer.from(body)),
  };
}

for (const engine of ['node', 'wasm']) {
  test(`webhook: a signed notification is verified and acknowledged (${engine})`, async () => {
    const body = JSON.stringify({
      notifyType: 'PAYMENT_RESULT',
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      paymentRequestId: `order-${engine}`,
      paymentAmount: { currency: 'USD', value: '1050' },
    });
    received.length = 0;
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { ...notification(body), 'x-test-engine': engine },
      body,
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), NOTIFICATION_ACK);
    assert.equal(received.length, 1);
    assert.equal(received[0].notifyType, 'PAYMENT_RESULT');
    assert.equal(received[0].resultStatus, 'S');
    assert.equal(received[0].json().paymentRequestId, `order-${engine}`);
    assert.equal(received[0].dedupKey, `PAYMENT_RESULT:paymentRequestId=order-${engine}`);
    assert.equal(received[0].engine, engine);
  });

  test(`webhook: forged, replayed-elsewhere and incomplete notifications are refused (${engine})`, async () => {
    const body = '{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"}}';
    const post = async (headers, payload = body) => {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { ...headers, 'x-test-engine': engine }, body: payload });
      return [res.status, await res.text()];
    };
    assert.deepEqual(await post(notification(body), body.replace('"S"', '"F"')), [401, 'SIGNATURE_MISMATCH']);
    assert.deepEqual(await post(notification(body, { path: '/other/notify' })), [401, 'SIGNATURE_MISMATCH']);
    assert.deepEqual(await post(notification(body, { clientId: 'SANDBOX_SOMEONE_ELSE' })), [401, 'CLIENT_ID_MISMATCH']);
    const { signature, ...unsigned } = notification(body);
    assert.ok(signature);
    assert.deepEqual(await post(unsigned), [401, 'MISSING_HEADER']);
  });

  test(`fetch: prepare → local gateway → verifyResponse (${engine})`, async () => {
    const client = clients[engine];
    const request = client.prepare('v1/payments/pay', JSON.stringify({ paymentRequestId: `order-${engine}`, amount: 'é' }));
    assert.equal(request.url, `${gatewayUrl}/ams/sandbox/api/v1/payments/pay`);
    gatewayMode = 'signed';
    let res = await fetch(request.url, request);
    let response = client.verifyResponse(request.path, res.headers, Buffer.from(await res.arrayBuffer()));
    assert.equal(response.verified, true);
    assert.equal(response.isSuccess, true);
    assert.equal(response.nextAction, 'DONE');
    assert.equal(response.json().echo.paymentRequestId, `order-${engine}`);
    assert.equal(request.engine, engine, 'the engine that signed');
    assert.equal(response.engine, engine, 'the engine that verified');

    gatewayMode = 'tampered';
    res = await fetch(request.url, request);
    const tampered = Buffer.from(await res.arrayBuffer());
    assert.throws(() => client.verifyResponse(request.path, res.headers, tampered), { code: 'SIGNATURE_MISMATCH' });

    gatewayMode = 'unsigned';
    res = await fetch(request.url, request);
    const unsigned = Buffer.from(await res.arrayBuffer());
    assert.throws(() => client.verifyResponse(request.path, res.headers, unsigned), { code: 'UNSIGNED_RESPONSE' });

    // A request the gateway cannot verify gets an unsigned F: accepted, never success, and
    // never a final failure either (anyone on the path can forge an unsigned F): inquire.
    gatewayMode = 'signed';
    res = await fetch(request.url, { ...request, body: request.body.replace('order', 'ORDER') });
    response = client.verifyResponse(request.path, res.headers, Buffer.from(await res.arrayBuffer()));
    assert.equal(response.verified, false);
    assert.equal(response.resultStatus, 'F');
    assert.equal(response.nextAction, 'INQUIRE');
    assert.equal(response.engine, null, 'an unsigned response runs no RSA');
  });
}
