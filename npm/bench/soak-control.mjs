#!/usr/bin/env node
// The soak loop's shape on bare node:crypto (no antom-core), run by soak.mjs next to it so
// the RSS of the two can be compared: prints {"first", "half", "last", "max"} in MB.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const keys = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'vectors', 'keys');
const der = (name) => Buffer.from(readFileSync(join(keys, `TEST-ONLY-${name}`), 'utf8'), 'base64');
const N = Number(process.argv[2] ?? 1_000_000);
const SAMPLES = 20;
const merchant = crypto.createPrivateKey({ key: der('merchant.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });
const antom = crypto.createPrivateKey({ key: der('antom.private.pkcs8.b64'), format: 'der', type: 'pkcs8' });
const antomPublic = crypto.createPublicKey(antom);
const notification = Buffer.from('POST /antom/notify\nSANDBOX_5X00000000000000.1700000000000.{"notifyType":"PAYMENT_RESULT"}');
const signature = crypto.sign('sha256', notification, antom);
const rss = [];
for (let i = 1; i <= N; i += 1) {
  const content = `POST /ams/sandbox/api/v1/payments/pay\nSANDBOX_5X00000000000000.${1700000000000 + i}.{"paymentRequestId":"order-${i}"}`;
  encodeURIComponent(crypto.sign('sha256', Buffer.from(content), merchant).toString('base64'));
  if (!crypto.verify('sha256', notification, antomPublic, signature)) throw new Error('unexpected');
  if (i % 1000 === 0) await nextTurn();
  if (i % (N / SAMPLES) === 0) {
    globalThis.gc?.();
    rss.push(process.memoryUsage().rss / 1024 / 1024);
  }
}
console.log(JSON.stringify({ first: rss[0], half: rss[SAMPLES / 2 - 1], last: rss[SAMPLES - 1], max: Math.max(...rss) }));
