// client.send's retries, deadline, events and OpenTelemetry span against a real `antom mock`
// process and its faults (SIM_FLAKY_<n>_: 503 for the first n deliveries of a body;
// SIM_RESET_<n>_: the connection closed; SIM_DELAY_<ms>_: answered late). When to retry is
// the core's decision (tests/vectors/retry.json pins it); these tests check that send follows
// it over real sockets, reports one event per attempt, and leaks nothing into events or spans.
//
// The simulator is target/debug/antom, or $ANTOM_BIN; `make test` builds it before this suite.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  AntomError,
  DEFAULT_RETRY_POLICY,
  SEND_EVENT_ATTRIBUTES,
  maskBody,
  retryPolicy,
  simpleRetryPolicy,
  spanName,
} from 'antom-core';

import { startMock } from './mock.mjs';

const CARD = '4111111111111111';

let mock;
let client;

before(async () => {
  mock = await startMock();
  ({ client } = mock);
});

after(async () => {
  await mock?.stop();
});

/** A card pay body (the card data lets the tests look for leaks). */
function payBody(requestId) {
  const amount = { currency: 'USD', value: '100' };
  return JSON.stringify({
    productCode: 'CASHIER_PAYMENT',
    paymentRequestId: requestId,
    order: { referenceOrderId: `order-${requestId}`, orderDescription: 'Test order', orderAmount: amount },
    paymentAmount: amount,
    paymentMethod: {
      paymentMethodType: 'CARD',
      paymentMethodMetaData: { cardNo: CARD, cvv: '737', expiryYear: '30', expiryMonth: '03' },
    },
    paymentRedirectUrl: 'http://127.0.0.1:9/return',
    env: { terminalType: 'WEB' },
    settlementStrategy: { settlementCurrency: 'USD' },
  });
}

const unique = (name) => `${name}-${process.hrtime.bigint()}`;

test('a flaky pay is retried with the core backoff (jitter in [b/2, b]) and then verified', async () => {
  const events = [];
  const result = await client.send('v1/payments/pay', payBody(`SIM_FLAKY_2_${unique('flaky')}`), {
    retryPolicy: { maxAttempts: 4 },
    onEvent: (event) => events.push(event),
  });
  assert.notEqual(result.outcome, 'UNKNOWN');
  assert.equal(result.attempts, 3);
  assert.equal(result.response.verified, true);
  assert.deepEqual(events.map((e) => e.attempt), [1, 2, 3]);
  assert.deepEqual(events.map((e) => e.httpStatus), [503, 503, 200]);
  assert.deepEqual(events.map((e) => e.retry), ['RETRY', 'RETRY', null]);
  assert.deepEqual(events.map((e) => e.errorCode), ['HTTP_STATUS', 'HTTP_STATUS', null]);
  // Backoff 500 ms then 1000 ms before jitter; equal jitter keeps each wait in [b/2, b].
  assert.ok(events[0].retryDelayMs >= 250 && events[0].retryDelayMs <= 500, `${events[0].retryDelayMs}`);
  assert.ok(events[1].retryDelayMs >= 500 && events[1].retryDelayMs <= 1000, `${events[1].retryDelayMs}`);
  const last = events[2];
  assert.equal(last.api, 'payments.pay');
  assert.equal(last.outcome, result.outcome);
  assert.equal(last.resultStatus, result.response.resultStatus);
  assert.equal(last.resultCode, result.response.resultCode);
  assert.equal(last.responseBodyLen, result.response.body.length);
  assert.ok(Object.isFrozen(last));
});

test('a connection closed without a reply is retried (TRANSPORT_ERROR, then the reply)', async () => {
  const events = [];
  const result = await client.send('v1/payments/pay', payBody(`SIM_RESET_1_${unique('reset')}`), {
    retries: 2,
    onEvent: (event) => events.push(event),
  });
  assert.notEqual(result.outcome, 'UNKNOWN');
  assert.equal(result.attempts, 2);
  assert.equal(events[0].errorCode, 'TRANSPORT_ERROR');
  assert.equal(events[0].httpStatus, null);
  assert.equal(events[0].retry, 'RETRY');
});

test('the deadline ends a slow send: UNKNOWN / TIMEOUT near the deadline, never later', async () => {
  const events = [];
  const started = performance.now();
  const result = await client.send('v1/payments/pay', payBody(`SIM_DELAY_1500_${unique('slow')}`), {
    retryPolicy: { maxAttempts: 10, attemptTimeoutMs: 400, deadlineMs: 1200, initialBackoffMs: 50, maxBackoffMs: 100 },
    onEvent: (event) => events.push(event),
  });
  const took = performance.now() - started;
  assert.equal(result.outcome, 'UNKNOWN');
  assert.equal(result.error.code, 'TIMEOUT');
  assert.match(result.error.message, /inquire \(never pay again\)/);
  assert.ok(took >= 1000 && took < 2000, `took ${took} ms`);
  assert.ok(result.attempts >= 3 && result.attempts < 10, `${result.attempts} attempts`);
  assert.equal(events.at(-1).retry, 'DEADLINE_REACHED');
  assert.ok(events.every((e) => e.errorCode === 'TIMEOUT'));
});

test('a request without its idempotency key is not retried, unless the policy says so', async () => {
  let calls = 0;
  const down = async () => {
    calls += 1;
    return new Response('down', { status: 503 });
  };
  const body = JSON.stringify({ paymentAmount: { currency: 'USD', value: '100' } }); // no paymentRequestId
  const events = [];
  const once503 = await client.send('v1/payments/pay', body, {
    retryPolicy: { maxAttempts: 3 },
    fetch: down,
    onEvent: (event) => events.push(event),
  });
  assert.equal(once503.outcome, 'UNKNOWN');
  assert.equal(once503.attempts, 1);
  assert.equal(calls, 1);
  assert.equal(events[0].retry, 'NO_IDEMPOTENCY_KEY');
  const forced = await client.send('v1/payments/pay', body, {
    retryPolicy: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2, retryWithoutIdempotencyKey: true },
    fetch: down,
  });
  assert.equal(forced.attempts, 3);
  assert.equal(calls, 4);
  // An inquiry only reads: retried without any key.
  calls = 0;
  const inquiry = await client.send('v1/payments/inquiryPayment', '{"paymentId":"P1"}', {
    retryPolicy: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 2 },
    fetch: down,
  });
  assert.equal(inquiry.attempts, 2);
  assert.equal(calls, 2);
});

test('events hold no card data, signature or header; includeBodies shows bodies masked by the core', async () => {
  const events = [];
  const body = payBody(`SIM_FLAKY_1_${unique('mask')}`);
  await client.send('v1/payments/pay', body, { retries: 1, onEvent: (event) => events.push(event) });
  const request = client.prepare('v1/payments/pay', body);
  const signature = request.headers.signature ?? request.headers.Signature;
  assert.ok(signature);
  const text = JSON.stringify(events);
  for (const secret of [CARD, '737', signature.slice(-40), 'BEGIN']) assert.ok(!text.includes(secret), secret);
  assert.ok(events.every((e) => e.requestBody === null && e.responseBody === null));
  const shown = [];
  await client.send('v1/payments/pay', payBody(`SIM_FLAKY_1_${unique('shown')}`), {
    retries: 1,
    includeBodies: true,
    onEvent: (event) => shown.push(event),
  });
  assert.equal(shown.length, 2);
  for (const event of shown) {
    assert.ok(!event.requestBody.includes(CARD));
    assert.match(event.requestBody, /"cardNo":"<masked>"/);
    assert.match(event.requestBody, /"cvv":"<masked>"/);
  }
  assert.equal(shown[0].responseBody, null); // a 503's body is never read
  assert.ok(shown[1].responseBody.startsWith('{'));
  assert.equal(maskBody('not json'), '<8 bytes>');
});

test('a throwing onEvent never changes the send; a process warning names the error type only', async () => {
  const warnings = [];
  const onWarning = (warning) => warnings.push(String(warning.message));
  process.on('warning', onWarning);
  try {
    const result = await client.send('v1/payments/pay', payBody(unique('hook')), {
      onEvent: () => {
        throw new RangeError(`secret ${CARD}`);
      },
    });
    assert.notEqual(result.outcome, 'UNKNOWN');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /onEvent threw RangeError/);
    assert.ok(!warnings[0].includes(CARD));
  } finally {
    process.off('warning', onWarning);
  }
});

test('OpenTelemetry: one CLIENT span per send, the core attribute keys, one span event per attempt', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('antom-core-test');
  const result = await client.send('v1/payments/pay', payBody(`SIM_FLAKY_1_${unique('otel')}`), { retries: 2, tracer });
  const [span, ...others] = exporter.getFinishedSpans();
  assert.equal(others.length, 0);
  assert.equal(span.name, 'antom payments.pay');
  assert.equal(span.name, spanName('/ams/api/v1/payments/pay'));
  assert.equal(span.kind, SpanKind.CLIENT);
  assert.equal(span.attributes['antom.api'], 'payments.pay');
  assert.equal(span.attributes['antom.attempt'], 2);
  assert.equal(span.attributes['http.response.status_code'], 200);
  assert.equal(span.attributes['antom.outcome'], result.outcome);
  assert.equal(span.status.code, SpanStatusCode.UNSET);
  assert.deepEqual(span.events.map((e) => e.name), ['antom.attempt', 'antom.attempt']);
  assert.equal(span.events[0].attributes['antom.retry'], 'RETRY');
  assert.equal(span.events[0].attributes['error.type'], 'HTTP_STATUS');
  const keys = new Set(SEND_EVENT_ATTRIBUTES.map(([, key]) => key));
  for (const key of Object.keys(span.attributes)) assert.ok(keys.has(key), key);
  assert.ok(!JSON.stringify(span.attributes).includes(CARD));
  // A send without a verified reply marks the span failed with the failure's code.
  exporter.reset();
  const down = await client.send('v1/payments/pay', payBody(unique('otel-down')), {
    tracer,
    fetch: async () => new Response('down', { status: 502 }),
  });
  assert.equal(down.outcome, 'UNKNOWN');
  const [failed] = exporter.getFinishedSpans();
  assert.equal(failed.status.code, SpanStatusCode.ERROR);
  assert.equal(failed.status.message, 'HTTP_STATUS');
  assert.equal(failed.attributes['antom.retry'], 'RETRIES_OFF');
  await provider.shutdown();
});

test('policies: the default, the simple form, checked bounds, and options that conflict', async () => {
  assert.deepEqual({ ...DEFAULT_RETRY_POLICY }, {
    maxAttempts: 1,
    initialBackoffMs: 500,
    maxBackoffMs: 5000,
    attemptTimeoutMs: 30000,
    deadlineMs: 60000,
    retryWithoutIdempotencyKey: false,
  });
  assert.equal(retryPolicy({ maxAttempts: 3 }).deadlineMs, 60000);
  const simple = simpleRetryPolicy(2, 1000);
  assert.equal(simple.maxAttempts, 3);
  assert.ok(simple.deadlineMs > 3 * 1000);
  assert.throws(() => retryPolicy({ maxAttempts: 11 }), (e) => e instanceof AntomError && e.code === 'INVALID_INPUT');
  assert.throws(() => retryPolicy({ tries: 3 }), TypeError);
  assert.throws(() => retryPolicy({ maxAttempts: '3' }), TypeError);
  const body = payBody(unique('bad'));
  await assert.rejects(client.send('v1/payments/pay', body, { retryPolicy: { maxAttempts: 2 }, retries: 1 }), TypeError);
  await assert.rejects(client.send('v1/payments/pay', body, { retryPolicy: { deadlineMs: 0 } }), { code: 'INVALID_INPUT' });
  await assert.rejects(client.send('v1/payments/pay', body, { onEvent: 'log' }), TypeError);
  await assert.rejects(client.send('v1/payments/pay', body, { tracer: {} }), TypeError);
});
