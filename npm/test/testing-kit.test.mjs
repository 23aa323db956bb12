// antom-core/testing from the installed tarball: a merchant-style unit test that uses only the
// testing kit (no simulator process, no network) to drive its handler through success,
// pending, failure, a duplicate and a forgery, and client.send through the kit's fake fetch.
// Antom's signatures are cross-checked with node:crypto, not only with the core's verification.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { test } from 'node:test';

import { AntomError, Client, NOTIFICATION_ACK, handleNotification } from 'antom-core';
import { TestKit } from 'antom-core/testing';

const require = createRequire(import.meta.url);
const NOTIFY = '/antom/notify';
const kit = new TestKit();

// --- the merchant's code under test -------------------------------------------------------

function makeShop(client) {
  const shop = { orders: new Map(), seen: new Set(), effects: [], failNext: false };
  const states = { SUCCEEDED: 'PAID', FAILED: 'FAILED', PENDING: 'PENDING' };
  shop.onNotification = async (notification) => {
    if (shop.seen.has(notification.dedupKey)) return; // applied before: acknowledge again
    if (shop.failNext) {
      shop.failNext = false;
      throw new Error('database down');
    }
    const order = notification.json().paymentRequestId;
    const state = states[notification.outcome] ?? 'CHECK';
    shop.orders.set(order, state);
    shop.effects.push([order, state]);
    shop.seen.add(notification.dedupKey);
  };
  shop.webhook = (headers, body) =>
    handleNotification({ client, path: NOTIFY, onNotification: shop.onNotification, onError: () => {} }, headers, body);
  return shop;
}

test('success marks the order paid', async () => {
  const shop = makeShop(kit.client());
  const { headers, body } = kit.notification('PAYMENT_RESULT', { paymentRequestId: 'order-1' });
  const answer = await shop.webhook(headers, body);
  assert.equal(answer.status, 200);
  assert.equal(answer.body, NOTIFICATION_ACK);
  assert.deepEqual([...shop.orders], [['order-1', 'PAID']]);
});

test('pending is not paid', async () => {
  const shop = makeShop(kit.client());
  const { headers, body } = kit.notification('PAYMENT_PENDING', { paymentRequestId: 'order-2' });
  assert.equal((await shop.webhook(headers, body)).status, 200);
  assert.deepEqual([...shop.orders], [['order-2', 'PENDING']]);
});

test('failure marks the order failed', async () => {
  const shop = makeShop(kit.client());
  const { headers, body } = kit.notification('PAYMENT_RESULT', [
    'paymentRequestId=order-3',
    'result.resultStatus=F',
    'result.resultCode=USER_BALANCE_NOT_ENOUGH',
  ]);
  assert.equal((await shop.webhook(headers, body)).status, 200);
  assert.deepEqual([...shop.orders], [['order-3', 'FAILED']]);
});

test('a duplicate is applied once', async () => {
  const shop = makeShop(kit.client());
  const message = kit.notification('PAYMENT_RESULT', { paymentRequestId: 'order-4', paymentId: '2026120400004' });
  const resend = { headers: kit.signNotification(message.body, { requestTime: 1_764_806_460_000 }), body: message.body };
  for (const { headers, body } of [message, message, resend]) {
    assert.equal((await shop.webhook(headers, body)).status, 200);
  }
  assert.deepEqual(shop.effects, [['order-4', 'PAID']]);
  assert.deepEqual([...shop.seen], ['PAYMENT_RESULT:paymentId=2026120400004']);
});

test('a failed callback answers 500 and the redelivery is applied', async () => {
  const shop = makeShop(kit.client());
  const { headers, body } = kit.notification('PAYMENT_RESULT', { paymentRequestId: 'order-5' });
  shop.failNext = true;
  assert.equal((await shop.webhook(headers, body)).status, 500);
  assert.equal(shop.orders.size, 0);
  assert.equal((await shop.webhook(headers, body)).status, 200);
  assert.deepEqual([...shop.orders], [['order-5', 'PAID']]);
});

test('a forgery is refused and never reaches the callback', async () => {
  const shop = makeShop(kit.client());
  const other = new TestKit(); // someone else's "Antom" key
  let message = other.notification('PAYMENT_RESULT', { paymentRequestId: 'order-6' });
  let answer = await shop.webhook(message.headers, message.body);
  assert.deepEqual([answer.status, answer.body], [401, 'SIGNATURE_MISMATCH']);
  message = kit.notification('PAYMENT_RESULT', { paymentRequestId: 'order-6' });
  const tampered = Buffer.from(message.body.toString().replace('"value":"1000"', '"value":"1"'));
  assert.notDeepEqual(tampered, message.body);
  answer = await shop.webhook(message.headers, tampered);
  assert.deepEqual([answer.status, answer.body], [401, 'SIGNATURE_MISMATCH']);
  message = kit.notification('PAYMENT_RESULT', { paymentRequestId: 'order-6' }, { path: '/elsewhere' });
  answer = await shop.webhook(message.headers, message.body);
  assert.deepEqual([answer.status, answer.body], [401, 'SIGNATURE_MISMATCH']);
  const { signature, ...unsigned } = message.headers;
  assert.ok(signature);
  answer = await shop.webhook(unsigned, message.body);
  assert.deepEqual([answer.status, answer.body], [401, 'MISSING_HEADER']);
  assert.equal(shop.orders.size, 0);
});

// --- the kit itself -----------------------------------------------------------------------

/** Antom's signature checked with node:crypto over the content rebuilt here. */
function cryptoVerifies(path, headers, body, timeHeader, publicKey = kit.antomPublicKey) {
  const match = /^algorithm=RSA256,keyVersion=(\d+),signature=([A-Za-z0-9%]+)$/.exec(headers.signature);
  assert.ok(match, headers.signature);
  const signature = Buffer.from(decodeURIComponent(match[2]), 'base64');
  const content = Buffer.concat([Buffer.from(`POST ${path}\n${headers['client-id']}.${headers[timeHeader]}.`), Buffer.from(body)]);
  const key = crypto.createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  return crypto.verify('sha256', content, key, signature);
}

test('every notification type is signed as Antom signs it', () => {
  const client = kit.client();
  const types = TestKit.notificationTypes();
  assert.equal(types.length, 19);
  let seen = 0;
  for (const kind of types) {
    for (const name of kind.values.length ? kind.values : [kind.body]) {
      const { headers, body } = kit.notification(name);
      assert.deepEqual(Object.keys(headers), ['content-type', 'client-id', 'request-time', 'signature']);
      assert.match(headers['request-time'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(cryptoVerifies(NOTIFY, headers, body, 'request-time'), name);
      assert.ok(!cryptoVerifies(NOTIFY, headers, Buffer.concat([body, Buffer.from(' ')]), 'request-time'));
      assert.ok(!cryptoVerifies(NOTIFY, headers, body, 'request-time', kit.merchantPublicKey));
      const parsed = JSON.parse(body);
      assert.equal(parsed.result.resultStatus, 'S');
      if (kind.field) assert.equal(parsed[kind.field], name);
      assert.deepEqual(client.verifyNotification(NOTIFY, headers, body).json(), parsed);
      seen += 1;
    }
  }
  assert.equal(seen, 27);
});

test('samples are unique per call and take overrides', () => {
  const first = JSON.parse(kit.sampleNotification('REFUND_RESULT'));
  const second = JSON.parse(kit.sampleNotification('REFUND_RESULT'));
  assert.notEqual(first.refundId, second.refundId);
  assert.equal(first.refundStatus, 'SUCCESS');
  const body = JSON.parse(
    kit.sampleNotification('REFUND_RESULT', { refundStatus: 'FAIL', refundAmount: { currency: 'EUR', value: '5' } }, { idPrefix: 'R9' }),
  );
  assert.equal(body.refundStatus, 'FAIL');
  assert.deepEqual(body.refundAmount, { currency: 'EUR', value: '5' });
  assert.equal(body.refundId, 'R9_refundId');
  assert.throws(() => kit.sampleNotification('NO_SUCH_TYPE'), (e) => e instanceof AntomError && e.code === 'INVALID_INPUT');
  assert.throws(() => kit.sampleNotification('PAYMENT_RESULT', ['no-equals-sign']), (e) => e.code === 'INVALID_INPUT');
});

test('no key material in string forms; CommonJS and ESM are one module', () => {
  const text = kit.testOnlyMerchantPrivateKeyText();
  assert.ok(text.length > 1000);
  for (const shown of [String(kit), inspect(kit), JSON.stringify(kit), inspect(kit.client())]) {
    assert.ok(!shown.includes(text.slice(0, 32)) && !shown.includes(text.slice(-32)), shown);
  }
  assert.match(String(kit), /<redacted>/);
  assert.equal(require('antom-core/testing').TestKit, TestKit);
});

// --- client.send through the fake fetch ---------------------------------------------------

const PAY = JSON.stringify({
  paymentRequestId: 'order-7',
  paymentAmount: { currency: 'USD', value: '1000' },
  order: { orderDescription: 'a book' },
  paymentMethod: { paymentMethodType: 'ALIPAY_CN' },
  paymentNotifyUrl: 'https://shop.example/antom/notify',
  productCode: 'CASHIER_PAYMENT',
});

test('send through the fake fetch: S, U pending, F, 500', async () => {
  const client = kit.client();
  const fetch = kit.fakeFetch({
    'payments.pay': ['S', { status: 'U', overrides: { 'result.resultCode': 'PAYMENT_IN_PROCESS' } }, 'F', 500],
    'payments.inquiryPayment': 'S',
  });
  const outcomes = [];
  for (let i = 0; i < 4; i += 1) outcomes.push((await client.send('v1/payments/pay', PAY, { fetch })).outcome);
  assert.deepEqual(outcomes, ['SUCCEEDED', 'PENDING', 'FAILED', 'UNKNOWN']);
  const last = await client.send('v1/payments/pay', PAY, { fetch }); // the last answer repeats
  assert.equal(last.httpStatus, 500);
  assert.equal(last.error?.code, 'HTTP_STATUS');
  const inquiry = await client.send('v1/payments/inquiryPayment', '{"paymentRequestId":"order-7"}', { fetch });
  assert.equal(inquiry.outcome, 'SUCCEEDED');
  assert.ok(inquiry.response.verified);
  assert.equal(JSON.parse(inquiry.response.body).paymentStatus, 'SUCCESS');
  assert.deepEqual(
    fetch.requests.map((r) => r.api),
    [...Array(5).fill('payments.pay'), 'payments.inquiryPayment'],
  );
  assert.ok(fetch.requests.every((r) => r.signed));
  assert.equal(fetch.requests[0].path, '/ams/sandbox/api/v1/payments/pay');
  assert.deepEqual(JSON.parse(fetch.requests[0].body), JSON.parse(PAY));
});

test('the fake fetch retries through a 503, a reset and a hang', async () => {
  const client = kit.client();
  const fetch = kit.fakeFetch({ 'payments.inquiryPayment': [503, new TypeError('fetch failed'), 'hang', 'S'] });
  const result = await client.send('v1/payments/inquiryPayment', '{"paymentRequestId":"order-8"}', {
    fetch,
    retryPolicy: { maxAttempts: 4, initialBackoffMs: 1, maxBackoffMs: 2, attemptTimeoutMs: 200 },
  });
  assert.equal(result.outcome, 'SUCCEEDED');
  assert.equal(result.attempts, 4);
  assert.equal(fetch.requests.length, 4);
});

test('the fake fetch refuses a request signed with another key', async () => {
  const other = new TestKit();
  const stranger = new Client({
    clientId: kit.clientId,
    privateKey: other.testOnlyMerchantPrivateKeyText(),
    antomPublicKey: kit.antomPublicKey,
  });
  const fetch = kit.fakeFetch();
  const result = await stranger.send('v1/payments/inquiryPayment', '{"paymentRequestId":"order-9"}', { fetch });
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.response.verified, false);
  assert.equal(result.response.resultCode, 'INVALID_SIGNATURE');
  assert.equal(fetch.requests[0].signed, false);
});

test('a signed response verifies and a tampered one does not', () => {
  const client = kit.client();
  const request = client.prepare('v1/payments/pay', PAY);
  const { headers, body } = kit.response('payments.pay', { status: 'U', overrides: { 'result.resultCode': 'PAYMENT_IN_PROCESS' } });
  assert.deepEqual(Object.keys(headers), ['content-type', 'client-id', 'response-time', 'signature']);
  assert.ok(cryptoVerifies(request.path, headers, body, 'response-time'));
  const response = client.verifyResponse(request.path, headers, body);
  assert.ok(response.verified);
  assert.equal(response.outcome, 'PENDING');
  assert.throws(
    () => client.verifyResponse(request.path, headers, Buffer.from(body.toString().replace('PAYMENT_IN_PROCESS', 'SUCCESS'))),
    (e) => e instanceof AntomError && e.code === 'SIGNATURE_MISMATCH',
  );
});
