// client.waitForOutcome against a real `antom mock`: a wallet pay stays PROCESSING until the
// buyer visits its normalUrl, and no notification is resent, so the merchant inquires. Which
// inquiry, the waits and when to stop are the core's (crates/antom-core/src/outcome_wait.rs);
// these tests check that the package follows them over real sockets and never pays again.
//
// The simulator is target/debug/antom, or $ANTOM_BIN; `make test` builds it before this suite.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { AntomError, DEFAULT_INQUIRY_POLICY, inquiryPolicy } from 'antom-core';

import { startMock } from './mock.mjs';


let mock;
let client;

before(async () => {
  mock = await startMock();
  ({ client } = mock);
});

after(async () => {
  await mock?.stop();
});

/** A wallet pay body: the payment stays PROCESSING until the buyer visits normalUrl. */
function walletPayBody(requestId) {
  const amount = { currency: 'USD', value: '100' };
  return JSON.stringify({
    productCode: 'CASHIER_PAYMENT',
    paymentRequestId: requestId,
    order: { referenceOrderId: `order-${requestId}`, orderDescription: 'Test order', orderAmount: amount },
    paymentAmount: amount,
    paymentMethod: { paymentMethodType: 'ALIPAY_CN' },
    paymentRedirectUrl: 'http://127.0.0.1:9/return',
    env: { terminalType: 'WEB' },
    settlementStrategy: { settlementCurrency: 'USD' },
  });
}

const unique = (name) => `${name}-${process.hrtime.bigint()}`;

/** Pays with a wallet and returns the normalUrl the buyer would visit (the payment is PENDING). */
async function pendingPayment(requestId) {
  const pay = await client.send('v1/payments/pay', walletPayBody(requestId));
  assert.equal(pay.outcome, 'PENDING');
  assert.equal(pay.response.verified, true);
  const { normalUrl } = pay.response.json();
  assert.match(normalUrl, /^http/);
  return normalUrl;
}

test('the default policy is the core default (1 s doubling to 10 s, 120 s deadline)', () => {
  assert.deepEqual({ ...DEFAULT_INQUIRY_POLICY }, { firstDelayMs: 1000, maxDelayMs: 10_000, deadlineMs: 120_000 });
  assert.deepEqual({ ...inquiryPolicy({ deadlineMs: 5000 }) }, { firstDelayMs: 1000, maxDelayMs: 10_000, deadlineMs: 5000 });
  assert.throws(() => inquiryPolicy({ firstDelayMs: 0 }), (err) => err instanceof AntomError && err.code === 'INVALID_INPUT');
  assert.throws(() => inquiryPolicy({ maxDelayMs: 60_001 }), (err) => err instanceof AntomError && err.code === 'INVALID_INPUT');
});

test('a wallet payment the buyer pays mid-wait: inquires with backoff until SUCCEEDED', async () => {
  const requestId = unique('wait-paid');
  const normalUrl = await pendingPayment(requestId);
  const seen = [];
  const sent = [];
  const waiting = client.waitForOutcome(requestId, {
    firstDelayMs: 100,
    maxDelayMs: 200,
    deadlineMs: 10_000,
    sendOptions: { onEvent: (event) => sent.push(event) },
    onInquiry: (result, n) => seen.push([n, result.outcome]),
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const page = await fetch(normalUrl); // the buyer pays
  assert.equal(page.status, 200);
  await page.arrayBuffer();
  const result = await waiting;
  assert.equal(result.outcome, 'SUCCEEDED');
  assert.equal(result.reason, 'FINAL');
  assert.ok(result.inquiries >= 2, `${result.inquiries}`);
  assert.equal(result.response.verified, true);
  assert.equal(result.response.json().paymentStatus, 'SUCCESS');
  assert.equal(result.response.json().paymentRequestId, requestId);
  // Every inquiry but the last saw the payment still in process; the wait stopped on the first SUCCEEDED.
  assert.equal(seen.length, result.inquiries);
  assert.deepEqual(seen.map(([n]) => n), seen.map((_, i) => i + 1));
  assert.deepEqual(seen.slice(0, -1).map(([, o]) => o), Array(seen.length - 1).fill('PENDING'));
  assert.equal(seen.at(-1)[1], 'SUCCEEDED');
  // Only inquiries were sent: never a second pay.
  assert.equal(sent.length, result.inquiries);
  assert.ok(sent.every((event) => event.api === 'payments.inquiryPayment'), JSON.stringify(sent.map((e) => e.api)));
});

test('a payment never paid: stops at the deadline, PENDING with DEADLINE_REACHED, on time', async () => {
  const requestId = unique('wait-unpaid');
  await pendingPayment(requestId);
  const started = performance.now();
  const result = await client.waitForOutcome(requestId, { firstDelayMs: 50, maxDelayMs: 100, deadlineMs: 700 });
  const took = performance.now() - started;
  assert.equal(result.outcome, 'PENDING');
  assert.equal(result.reason, 'DEADLINE_REACHED');
  assert.equal(result.response.json().paymentStatus, 'PROCESSING');
  // Waits of 25-50, 50-100, then 50-100 ms: at least 5 inquiries fit in 700 ms.
  assert.ok(result.inquiries >= 5, `${result.inquiries}`);
  // The wait never plans past the deadline: it ends before it (plus one inquiry's round trip).
  assert.ok(took < 700 + 500, `${took} ms`);
  assert.ok(took >= 700 - 100 - 1, `${took} ms: stopped before the last wait could fit`);
});

test('an unknown payment stays UNKNOWN (never FAILED), and a refund is inquired with inquiryRefund', async () => {
  const missing = await client.waitForOutcome(unique('wait-missing'), { firstDelayMs: 50, maxDelayMs: 50, deadlineMs: 300 });
  assert.equal(missing.outcome, 'UNKNOWN');
  assert.equal(missing.reason, 'DEADLINE_REACHED');
  assert.ok(missing.inquiries >= 2, `${missing.inquiries}`);

  const events = [];
  const refund = await client.waitForOutcome(unique('wait-refund'), {
    api: 'v1/payments/refund',
    deadlineMs: 100,
    sendOptions: { onEvent: (event) => events.push(event) },
  });
  assert.equal(refund.inquiries, 1);
  assert.equal(refund.reason, 'DEADLINE_REACHED');
  assert.deepEqual(events.map((e) => e.api), ['payments.inquiryRefund']);
});

test('wrong arguments are refused before anything is sent', async () => {
  await assert.rejects(client.waitForOutcome(''), TypeError);
  await assert.rejects(client.waitForOutcome('x', { tries: 3 }), TypeError);
  await assert.rejects(client.waitForOutcome('x', { api: 'v1/payments/cancel' }), TypeError);
  await assert.rejects(client.waitForOutcome('x', { deadlineMs: 0 }), (err) => err instanceof AntomError && err.code === 'INVALID_INPUT');
});
