// client.send() against the local Antom simulator (`antom mock`), which checks every request
// signature with the merchant test key and signs its replies: the checkout flow (pay -> the
// buyer pays -> a verified notifyPayment at an Express webhook -> inquiryPayment), and the
// simulator's fault scenarios: a request id starting SIM_HTTP_503 gets HTTP 503, one starting
// SIM_DELAY_<ms> is processed and answered late. Both must come back UNKNOWN, never FAILED.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, test } from 'node:test';

import express from 'express';
import { Client, expressNotificationHandler } from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';
import { ANTOM_PUBLIC_KEY, startMock } from './simulator.mjs';

const PATH = '/antom/notify';
let mock;
let client;
let webhook;
let notifyUrl;
const notifications = [];
let notified = () => {};

before(async () => {
  mock = await startMock();
  client = new Client({
    clientId: CLIENT_ID,
    privateKey: testKey('merchant.private.pkcs8.b64'),
    antomPublicKey: ANTOM_PUBLIC_KEY,
    gatewayUrl: mock.gatewayUrl,
  });
  const app = express();
  app.post(
    PATH,
    express.raw({ type: '*/*' }),
    expressNotificationHandler({
      client,
      path: PATH,
      onNotification: (n) => {
        notifications.push(n);
        notified();
      },
    }),
  );
  webhook = http.createServer(app);
  webhook.listen(0, '127.0.0.1');
  await once(webhook, 'listening');
  notifyUrl = `http://127.0.0.1:${webhook.address().port}${PATH}`;
});

after(async () => {
  webhook?.close();
  client?.free();
  await mock?.stop();
});

function payRequest(id) {
  const amount = { currency: 'USD', value: '1000' };
  return JSON.stringify({
    productCode: 'CASHIER_PAYMENT',
    paymentRequestId: id,
    order: { referenceOrderId: id, orderDescription: 'antom-core send test', orderAmount: amount },
    paymentAmount: amount,
    paymentMethod: { paymentMethodType: 'ALIPAY_CN' },
    paymentRedirectUrl: 'http://127.0.0.1/return',
    paymentNotifyUrl: notifyUrl,
    env: { terminalType: 'WEB' },
    settlementStrategy: { settlementCurrency: 'USD' },
  });
}

const inquire = (id) => client.send('v1/payments/inquiryPayment', JSON.stringify({ paymentRequestId: id }));

test('pay -> PENDING; the buyer pays -> a verified SUCCEEDED notification; inquiryPayment -> SUCCEEDED', async () => {
  const id = `send-flow-${Date.now()}`;
  const pay = await client.send('v1/payments/pay', payRequest(id));
  assert.equal(pay.error, null);
  assert.equal(pay.httpStatus, 200);
  assert.equal(pay.response.verified, true, 'the simulator accepted the signature and signed its reply');
  assert.equal(pay.response.resultCode, 'PAYMENT_IN_PROCESS');
  assert.equal(pay.outcome, 'PENDING');

  const arrived = new Promise((resolve) => {
    notified = resolve;
  });
  const page = await fetch(pay.response.json().normalUrl); // the buyer pays (simulated checkout)
  assert.equal(page.status, 200);
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no notification within 10 s')), 10_000);
  });
  await Promise.race([arrived, late]).finally(() => clearTimeout(timer));
  const [notification] = notifications.splice(0);
  assert.equal(notification.notifyType, 'PAYMENT_RESULT');
  assert.equal(notification.outcome, 'SUCCEEDED');
  assert.equal(notification.json().paymentRequestId, id);

  const inquiry = await inquire(id);
  assert.equal(inquiry.outcome, 'SUCCEEDED');
  assert.equal(inquiry.response.json().paymentStatus, 'SUCCESS');
});

test('a request the simulator cannot verify (signed with another key): an unsigned F, UNKNOWN', async () => {
  const impostor = new Client({
    clientId: CLIENT_ID,
    privateKey: testKey('other.private.pkcs8.b64'),
    antomPublicKey: ANTOM_PUBLIC_KEY,
    gatewayUrl: mock.gatewayUrl,
  });
  try {
    const result = await impostor.send('v1/payments/pay', payRequest(`send-impostor-${Date.now()}`));
    assert.equal(result.response.verified, false);
    assert.equal(result.response.resultStatus, 'F');
    assert.equal(result.outcome, 'UNKNOWN', 'an unsigned F can be forged: never a final failure');
  } finally {
    impostor.free();
  }
});

test('SIM_HTTP_503: UNKNOWN / HTTP_STATUS 503 (never FAILED); retries resend it', async () => {
  const result = await client.send('v1/payments/pay', payRequest(`SIM_HTTP_503-${Date.now()}`), { retries: 2 });
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.response, null);
  assert.equal(result.httpStatus, 503);
  assert.equal(result.error.code, 'HTTP_STATUS');
  assert.equal(result.attempts, 3);
});

test('SIM_DELAY_3000 with a 500 ms deadline: UNKNOWN / TIMEOUT — and the payment was made anyway', async () => {
  const id = `SIM_DELAY_3000-${Date.now()}`;
  const started = performance.now();
  const result = await client.send('v1/payments/pay', payRequest(id), { timeoutMs: 500 });
  const took = performance.now() - started;
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.error.code, 'TIMEOUT');
  assert.ok(took < 2500, `gave up after ${took} ms`);
  // Why a timeout is never "failed": the simulator processed the request. Inquiries answer at once.
  const inquiry = await inquire(id);
  assert.equal(inquiry.response.verified, true);
  assert.equal(inquiry.response.json().paymentStatus, 'PROCESSING');
  assert.equal(inquiry.outcome, 'PENDING');
});

test('SIM_DELAY_1000 within the deadline: the late reply is verified (PENDING)', async () => {
  const result = await client.send('v1/payments/pay', payRequest(`SIM_DELAY_1000-${Date.now()}`), { timeoutMs: 5000 });
  assert.equal(result.error, null);
  assert.equal(result.outcome, 'PENDING');
});
