// A merchant's checkout flow with the antom-core npm package, step by step:
// pay → verify the signed response → the buyer pays → receive and verify notifyPayment →
// acknowledge → inquiryPayment → refund.
//
// Configuration comes from the environment, exactly as a real integration would read it:
//   ANTOM_CLIENT_ID, ANTOM_PRIVATE_KEY, ANTOM_PUBLIC_KEY   (key text, as the Dashboard shows it)
//   ANTOM_GATEWAY_URL   optional; `make demo` sets it to the local simulator (http://127.0.0.1:PORT)
//   ANTOM_NOTIFY_URL    optional; a public URL that forwards to this script's webhook (real sandbox)
// Against the simulator the script plays the buyer too (it opens the checkout URL itself);
// against the real sandbox it prints the URL for you to open and inquires until the payment is
// final. Exits non-zero if any signature does not verify or any step fails.
import http from 'node:http';
import { AntomError, Client, NOTIFICATION_ACK } from 'antom-core';

const WEBHOOK_PATH = '/antom/notify';
const STEP_TIMEOUT_MS = Number(process.env.ANTOM_DEMO_TIMEOUT_MS ?? 20_000);

let stepNo = 0;
const step = (text) => console.log(`  ${++stepNo}. ${text}`);
const detail = (text) => console.log(`       ${text}`);
function fail(text) {
  console.error(`  FAILED: ${text}`);
  process.exit(1);
}

for (const name of ['ANTOM_CLIENT_ID', 'ANTOM_PRIVATE_KEY', 'ANTOM_PUBLIC_KEY']) {
  if (!process.env[name]) fail(`${name} is not set`);
}
const gatewayUrl = process.env.ANTOM_GATEWAY_URL || undefined;
const simulator = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(gatewayUrl ?? '');

const client = new Client({
  clientId: process.env.ANTOM_CLIENT_ID,
  privateKey: process.env.ANTOM_PRIVATE_KEY,
  antomPublicKey: process.env.ANTOM_PUBLIC_KEY,
  gatewayUrl,
});

// ---- the webhook: verify the raw body first, then acknowledge
const notifications = [];
const waiters = [];
const webhook = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const path = new URL(req.url, 'http://localhost').pathname;
  try {
    const notification = client.verifyNotification(path, req.headers, Buffer.concat(chunks));
    notifications.push(notification);
    res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK);
  } catch (err) {
    notifications.push({ error: err });
    res.writeHead(err instanceof AntomError ? 401 : 500).end();
  }
  waiters.splice(0).forEach((wake) => wake());
});
await new Promise((resolve) => webhook.listen(0, '127.0.0.1', resolve));
const notifyUrl = process.env.ANTOM_NOTIFY_URL || `http://127.0.0.1:${webhook.address().port}${WEBHOOK_PATH}`;
const canReceive = simulator || Boolean(process.env.ANTOM_NOTIFY_URL);

async function nextNotification(type) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const index = notifications.findIndex((n) => n.error || n.notifyType === type);
    if (index >= 0) {
      const [found] = notifications.splice(index, 1);
      if (found.error) fail(`a notification did not verify: ${found.error.code}: ${found.error.message}`);
      return found;
    }
    const left = deadline - Date.now();
    if (left <= 0) fail(`no ${type} notification within ${STEP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, Math.min(left, 500));
    });
  }
}

async function call(api, body) {
  const request = client.prepare(api, JSON.stringify(body));
  const res = await fetch(request.url, { ...request, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  const raw = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) fail(`${api}: HTTP ${res.status} (treat like U: inquire)`);
  let response;
  try {
    response = client.verifyResponse(request.path, res.headers, raw);
  } catch (err) {
    fail(`${api}: the response did not verify: ${err.code}: ${err.message}`);
  }
  if (!response.verified) fail(`${api}: unsigned gateway error ${response.resultStatus} ${response.resultCode}: ${response.resultMessage}`);
  return response;
}

const orderId = `demo-node-${Date.now()}`;
const amount = { currency: 'USD', value: '1000' };
console.log(`Node.js merchant (antom-core from npm) → ${client.gatewayUrl ?? gatewayUrl ?? 'the Antom sandbox'}`);

// 1. pay
const pay = await call('v1/payments/pay', {
  productCode: 'CASHIER_PAYMENT',
  paymentRequestId: orderId,
  order: { referenceOrderId: orderId, orderDescription: 'antom-core demo order', orderAmount: amount },
  paymentAmount: amount,
  paymentMethod: { paymentMethodType: 'ALIPAY_CN' },
  paymentRedirectUrl: 'http://127.0.0.1/return',
  paymentNotifyUrl: notifyUrl,
  env: { terminalType: 'WEB' },
  settlementStrategy: { settlementCurrency: 'USD' },
});
step(`Asked Antom to start a USD 10.00 payment (paymentRequestId ${orderId}).`);
detail(`The response's signature verified with Antom's public key: ${pay.resultStatus} ${pay.resultCode}, outcome ${pay.outcome}.`);
if (pay.outcome !== 'PENDING' || pay.resultCode !== 'PAYMENT_IN_PROCESS') fail('expected U PAYMENT_IN_PROCESS (outcome PENDING)');
const { paymentId, normalUrl } = pay.json();
detail(`Payment ${paymentId} is in process; the buyer pays at ${normalUrl}`);

// 2. the buyer pays
if (simulator) {
  const page = await fetch(normalUrl, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  if (page.status !== 200) fail(`the checkout page answered HTTP ${page.status}`);
  step('The buyer opened the checkout page and paid (simulated).');
} else {
  step(`Open ${normalUrl} in a browser and pay with a sandbox wallet account.`);
}
detail('A redirect back to the shop proves nothing; only a verified notification or inquiry does.');

// 3. notifyPayment
if (canReceive) {
  const notice = await nextNotification('PAYMENT_RESULT');
  step(`Received notifyPayment at ${WEBHOOK_PATH}; its signature verified.`);
  const body = notice.json();
  detail(`PAYMENT_RESULT ${notice.resultStatus} ${body.result.resultCode} (outcome ${notice.outcome}) for payment ${body.paymentId}; answered HTTP 200 with the ack.`);
  if (notice.outcome !== 'SUCCEEDED' || body.paymentId !== paymentId) fail('expected a SUCCEEDED notifyPayment for this payment');
} else {
  step('Skipping the notification: set ANTOM_NOTIFY_URL to a public URL that forwards to this webhook.');
}

// 4. inquiryPayment (polls briefly while the payment is still processing)
let inquiry;
const inquireUntil = Date.now() + (simulator ? STEP_TIMEOUT_MS : 10 * 60_000);
for (;;) {
  inquiry = await call('v1/payments/inquiryPayment', { paymentRequestId: orderId });
  if (inquiry.outcome !== 'PENDING' || Date.now() > inquireUntil) break;
  await new Promise((resolve) => setTimeout(resolve, 3000));
}
step(`Inquired: the verified answer says the payment is ${inquiry.json().paymentStatus} (outcome ${inquiry.outcome}).`);
if (inquiry.outcome !== 'SUCCEEDED') fail(`expected outcome SUCCEEDED, got ${inquiry.outcome}`);

// 5. refund
const refund = await call('v1/payments/refund', {
  refundRequestId: `${orderId}-refund`,
  paymentId,
  refundAmount: amount,
  refundReason: 'antom-core demo',
  refundNotifyUrl: notifyUrl,
});
if (refund.outcome !== 'SUCCEEDED') fail(`refund: ${refund.resultStatus} ${refund.resultCode}: ${refund.resultMessage}`);
step(`Refunded USD 10.00: verified ${refund.resultStatus} ${refund.resultCode}, refundId ${refund.json().refundId}.`);
if (canReceive) {
  const notice = await nextNotification('REFUND_RESULT');
  detail(`notifyRefund verified too: refundStatus ${notice.json().refundStatus}; acknowledged.`);
}

webhook.close();
console.log('  Node.js flow complete: every response and notification was verified.');
process.exit(0);
