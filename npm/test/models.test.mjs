// The typed models (dist/models.d.ts, generated from crates/antom-models/schema/models.json)
// against real simulator output. TypeScript types do not exist at run time, so this checks the
// two things they promise: every body the simulator (`antom mock`, run as a subprocess) sends
// through a whole payment lifecycle conforms to its model in the schema (required fields
// present, strings where Antom sends strings, nested models and arrays), and the shipped
// models.d.ts declares exactly the schema's interfaces, fields, optionality and types.
// (types.test.mjs type-checks a consumer of them with tsc.)
//
// The simulator is target/debug/antom, or $ANTOM_BIN; `make test-node` builds it first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Client, NOTIFICATION_ACK } from 'antom-core';

import { CLIENT_ID, testKey, vectorsDir } from './helpers.mjs';

const repo = new URL('../../', vectorsDir);
const schema = JSON.parse(readFileSync(new URL('crates/antom-models/schema/models.json', repo), 'utf8'));
const models = new Map(schema.types.map((t) => [t.name, t]));
const antomBin = process.env.ANTOM_BIN || fileURLToPath(new URL('target/debug/antom', repo));
const WAIT_MS = 15_000;

/** Where `value` does not fit the model `name`: a list of field paths and reasons. */
function misfits(name, value, path = name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
  const found = [];
  for (const field of models.get(name).fields) {
    const where = `${path}.${field.json}`;
    const v = value[field.json];
    if (v === undefined || v === null) {
      if (field.required) found.push(`${where}: required`);
      continue;
    }
    const items = field.list ? v : [v];
    if (field.list && !Array.isArray(v)) {
      found.push(`${where}: not an array`);
      continue;
    }
    items.forEach((item, i) => {
      const at = field.list ? `${where}[${i}]` : where;
      if (field.type === 'string' && typeof item !== 'string') found.push(`${at}: not a string`);
      else if (models.has(field.type)) found.push(...misfits(field.type, item, at));
    });
  }
  return found;
}

/** `body` as model `name`: asserts it fits, returns the parsed object. */
function as(name, body) {
  const value = JSON.parse(Buffer.from(body).toString('utf8'));
  assert.deepEqual(misfits(name, value), [], `${name} fits its model`);
  return value;
}

let mock;
let gateway;
let client;
let work;
const received = [];
let webhook;
let notifyUrl;
let arrived = () => {};

before(async () => {
  assert.ok(existsSync(antomBin), `${antomBin} is missing: run \`cargo build -p antom-cli --bin antom\``);
  work = mkdtempSync(join(tmpdir(), 'antom-models-'));
  const merchantPublic = fileURLToPath(new URL('keys/TEST-ONLY-merchant.public.spki.b64', vectorsDir));
  mock = spawn(antomBin, ['mock', '--port', '0', '--quiet', '--merchant-public-key', merchantPublic,
    '--write-public-key', join(work, 'antom.pub')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  mock.stdout.setEncoding('utf8');
  gateway = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulator did not start')), WAIT_MS);
    mock.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /antom mock: listening on (\S+)/.exec(out);
      if (found && existsSync(join(work, 'antom.pub'))) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    mock.on('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
  });
  client = new Client({
    clientId: CLIENT_ID,
    privateKey: testKey('merchant.private.pkcs8.b64'),
    antomPublicKey: readFileSync(join(work, 'antom.pub'), 'utf8'),
    gatewayUrl: gateway,
  });
  webhook = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK);
    arrived();
  });
  webhook.listen(0, '127.0.0.1');
  await once(webhook, 'listening');
  notifyUrl = `http://127.0.0.1:${webhook.address().port}/antom/notify`;
});

after(async () => {
  mock?.kill();
  if (webhook) await new Promise((resolve) => webhook.close(resolve));
  if (work) rmSync(work, { recursive: true, force: true });
});

/** prepare → fetch → verifyResponse; the verified body parsed as model `name`. */
async function call(api, body, name) {
  const request = client.prepare(api, JSON.stringify(body));
  const res = await fetch(request.url, request);
  const response = client.verifyResponse(request.path, res.headers, Buffer.from(await res.arrayBuffer()));
  assert.ok(response.verified, `${api}: the simulator signs every answer`);
  return as(name, response.body);
}

/** The `index`-th notification (waiting for it), verified, parsed as model `name`. */
async function notification(index, name) {
  const deadline = Date.now() + WAIT_MS;
  while (received.length <= index) {
    assert.ok(Date.now() < deadline, `notification ${index + 1} did not arrive`);
    await new Promise((resolve) => {
      arrived = resolve;
      setTimeout(resolve, 50);
    });
  }
  const { path, headers, body } = received[index];
  const verified = client.verifyNotification(path, headers, body);
  return as(name, verified.body);
}

const usd = (value) => ({ currency: 'USD', value });

test('a payment lifecycle: every response and notification fits its model', async () => {
  const order = { referenceOrderId: 'node-order-1', orderDescription: 'Typed models test', orderAmount: usd('1000') };
  const payRequest = {
    productCode: 'CASHIER_PAYMENT', paymentRequestId: 'node-models-1', order, paymentAmount: usd('1000'),
    paymentMethod: { paymentMethodType: 'ALIPAY_CN' }, paymentRedirectUrl: 'http://127.0.0.1:9/return',
    paymentNotifyUrl: notifyUrl, env: { terminalType: 'WEB' },
  };
  assert.deepEqual(misfits('PayRequest', payRequest), [], 'the request fits PayRequest');
  const pay = await call('v1/payments/pay', payRequest, 'PayResponse');
  assert.equal(pay.result.resultStatus, 'U');
  assert.equal(pay.result.resultCode, 'PAYMENT_IN_PROCESS');
  assert.deepEqual(pay.paymentAmount, usd('1000'));

  const page = await fetch(pay.normalUrl); // the buyer pays
  assert.equal(page.status, 200);
  await page.arrayBuffer();
  const paid = await notification(0, 'NotifyPaymentRequest');
  assert.ok(models.get('NotifyPaymentRequest').notifyType.includes(paid.notifyType));
  assert.equal(paid.notifyType, 'PAYMENT_RESULT');
  assert.equal(paid.result.resultStatus, 'S');
  assert.equal(paid.paymentId, pay.paymentId);

  const capture = await call('v1/payments/capture',
    { captureRequestId: 'node-capture-1', paymentId: pay.paymentId, captureAmount: usd('1000') }, 'CaptureResponse');
  assert.equal(capture.result.resultStatus, 'S');
  const captured = await notification(1, 'NotifyCaptureRequest');
  assert.equal(captured.notifyType, 'CAPTURE_RESULT');
  assert.equal(captured.captureId, capture.captureId);

  const refund = await call('v1/payments/refund',
    { refundRequestId: 'node-refund-1', paymentId: pay.paymentId, refundAmount: usd('400'), refundNotifyUrl: notifyUrl },
    'RefundResponse');
  assert.deepEqual(refund.refundAmount, usd('400'));
  const refunded = await notification(2, 'NotifyRefundRequest');
  assert.equal(refunded.notifyType, 'REFUND_RESULT');
  assert.equal(refunded.refundStatus, 'SUCCESS');
  const refundInquiry = await call('v1/payments/inquiryRefund', { refundId: refund.refundId }, 'InquiryRefundResponse');
  assert.equal(refundInquiry.refundRequestId, 'node-refund-1');

  const inquiry = await call('v1/payments/inquiryPayment', { paymentId: pay.paymentId }, 'InquiryPaymentResponse');
  assert.equal(inquiry.paymentStatus, 'SUCCESS');
  assert.deepEqual(inquiry.transactions.map((t) => t.transactionType), ['CAPTURE', 'REFUND']);

  const session = await call('v1/payments/createPaymentSession', {
    productCode: 'CASHIER_PAYMENT', paymentRequestId: 'node-models-2', order, paymentAmount: usd('250'),
    paymentRedirectUrl: 'http://127.0.0.1:9/return',
  }, 'CreatePaymentSessionResponse');
  assert.match(session.paymentSessionData, /^SIMSESSION\./);
  const cancel = await call('v1/payments/cancel', { paymentRequestId: 'node-models-2' }, 'CancelResponse');
  assert.equal(cancel.result.resultStatus, 'S');
  const missing = await call('v1/payments/inquiryPayment', { paymentId: 'no-such' }, 'InquiryPaymentResponse');
  assert.equal(missing.result.resultCode, 'ORDER_NOT_EXIST');
});

test('a PAYMENT_PENDING from antom trigger fits NotifyPaymentRequest', async () => {
  const index = received.length;
  const trigger = spawn(antomBin, ['trigger', 'notifyPayment', '--to', notifyUrl, '--status', 'PENDING',
    '--antom-private-key', fileURLToPath(new URL('keys/TEST-ONLY-antom.private.pkcs8.b64', vectorsDir)),
    '--payment-request-id', 'node-pending', '--amount', '1050', '--currency', 'JPY'], { stdio: 'ignore' });
  const [code] = await once(trigger, 'exit');
  assert.equal(code, 0, 'antom trigger got the ack');
  const { path, headers, body } = received[index];
  const triggerClient = new Client({
    clientId: CLIENT_ID, privateKey: testKey('merchant.private.pkcs8.b64'), antomPublicKey: testKey('antom.public.spki.b64'),
  });
  const pending = as('NotifyPaymentRequest', triggerClient.verifyNotification(path, headers, body).body);
  assert.equal(pending.notifyType, 'PAYMENT_PENDING');
  assert.ok(models.get('NotifyPaymentRequest').notifyType.includes(pending.notifyType));
  assert.deepEqual(pending.paymentAmount, { currency: 'JPY', value: '1050' });
  assert.equal(pending.paymentTime, undefined);
});

test('the conformance check itself refuses what does not fit', () => {
  const result = { resultCode: 'SUCCESS', resultStatus: 'S' };
  assert.deepEqual(misfits('PayResponse', { result, brandNewField: 1 }), []);
  assert.deepEqual(misfits('PayResponse', {}), ['PayResponse.result: required']);
  assert.deepEqual(misfits('PayResponse', { result, paymentAmount: { currency: 'USD', value: 1050 } }),
    ['PayResponse.paymentAmount.value: not a string']);
  assert.deepEqual(misfits('InquiryPaymentResponse', { result, transactions: [{}] }).slice(0, 1),
    ['InquiryPaymentResponse.transactions[0].transactionResult: required']);
});

/** The types a response or notification body reaches (themselves included). */
const inbound = (() => {
  const seen = new Set();
  const todo = schema.types.filter((t) => t.kind === 'response' || t.kind === 'notification').map((t) => t.name);
  while (todo.length > 0) {
    const name = todo.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    for (const f of models.get(name).fields) if (models.has(f.type)) todo.push(f.type);
  }
  return seen;
})();

test('the shipped models.d.ts declares exactly the schema', () => {
  assert.ok(inbound.has('Amount') && inbound.has('NotifyPaymentRequest') && !inbound.has('PayRequest'));
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('antom-core/package.json')), 'dist');
  const dts = readFileSync(join(dist, 'models.d.ts'), 'utf8');
  assert.match(dts.split('\n')[0], /^\/\/ generated by crates\/antom-models\/codegen\/generate\.py/);
  for (const file of ['index.d.ts', 'index.d.mts']) {
    assert.match(readFileSync(join(dist, file), 'utf8'), /^export \* from '\.\/models\.js';$/m, file);
  }
  const declared = [...dts.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)];
  const names = declared.map(([, name]) => name).filter((n) => !n.startsWith('Antom'));
  assert.deepEqual(names, schema.types.map((t) => t.name));
  for (const [, name, body] of declared) {
    if (!models.has(name)) continue;
    const fields = [...body.matchAll(/^ {2}(\w+)(\??): ([^;]+);$/gm)].map(([, f, q, ty]) => `${f}${q}: ${ty}`);
    const model = models.get(name);
    const expected = model.fields.map((f) => {
      // Strict (not optional) only in a curated type (no "source") that no response or
      // notification reaches: what Antom writes never requires a field; SDK-derived fields never are.
      const strict = f.required === true && model.source === undefined && !inbound.has(name);
      const scalar = { boolean: 'boolean | string', integer: 'number | string', number: 'number | string' }[f.type];
      const ty = f.enum ?? scalar ?? { string: 'string', json: 'unknown' }[f.type] ?? f.type;
      const list = f.list ? (ty.includes('|') ? `(${ty})[]` : `${ty}[]`) : ty;
      return `${f.json}${strict ? '' : '?'}: ${list}`;
    });
    assert.deepEqual(fields, expected, name);
    assert.match(body, /^ {2}\[field: string\]: unknown;$/m, `${name} accepts unknown fields`);
  }
});
