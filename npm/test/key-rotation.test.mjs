// A whole key rotation, Antom's key and the merchant's, against one real `antom mock` process
// with a notification in flight across it (the Node.js walk of
// crates/antom-cli/tests/key_rotation.rs): every verification succeeds except the ones asserted
// to fail, and nothing signed by a retired key is accepted. Every notification is verified both
// ways (verifyNotification, and verifyNotificationAsync on WebCrypto).
//
// The simulator is target/debug/antom, or $ANTOM_BIN; `make test-node` builds it first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { AntomError, Client, NOTIFICATION_ACK, PrivateKey, PublicKey, whichKey } from 'antom-core';

import { CLIENT_ID, testKey, vectorsDir } from './helpers.mjs';

const repo = new URL('../../', vectorsDir);
const antomBin = process.env.ANTOM_BIN || fileURLToPath(new URL('target/debug/antom', repo));
const NOTIFY = '/notify';
// 2 min of Antom time in 0.1 s: the retries (0, 0.1, 0.6, 1.1, 4.1, 10.1, 28.1, 73.1 s) keep
// the notification in flight for the whole walk, and its last attempt is over a minute away.
const TIME_SCALE = '1200';
const WAIT_MS = 60_000;

/** `antom mock` with a fresh Antom key (version 1); resolves to { gateway, stop }. */
async function startMock() {
  assert.ok(existsSync(antomBin), `${antomBin} is missing: run \`cargo build -p antom-cli --bin antom\``);
  const merchantPublic = fileURLToPath(new URL('keys/TEST-ONLY-merchant.public.spki.b64', vectorsDir));
  const child = spawn(antomBin, ['mock', '--port', '0', '--quiet', '--time-scale', TIME_SCALE,
    '--merchant-public-key', merchantPublic, '--client-id', CLIENT_ID], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  let out = '';
  child.stdout.setEncoding('utf8');
  const gateway = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulator did not start')), 20_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /antom mock: listening on (\S+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the simulator exited (${code}): ${out}`)));
  });
  child.stdout.resume();
  return {
    gateway,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/** A webhook that answers 500 until `accept()`, then the ack; records every delivery. */
async function startWebhook() {
  const received = [];
  let accepting = false;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    received.push({ path: req.url, headers: { ...req.headers }, body: Buffer.concat(chunks) });
    if (accepting) res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK);
    else res.writeHead(500).end('down');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}${NOTIFY}`,
    received,
    accept() {
      accepting = true;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function payBody(requestId, notifyUrl) {
  const amount = { currency: 'USD', value: '100' };
  return JSON.stringify({
    productCode: 'CASHIER_PAYMENT',
    paymentRequestId: requestId,
    order: { referenceOrderId: `order-${requestId}`, orderDescription: 'Test order', orderAmount: amount },
    paymentAmount: amount,
    paymentMethod: { paymentMethodType: 'ALIPAY_CN' },
    paymentRedirectUrl: 'http://127.0.0.1:9/return',
    paymentNotifyUrl: notifyUrl,
    env: { terminalType: 'WEB' },
    settlementStrategy: { settlementCurrency: 'USD' },
  });
}

const inquiry = (requestId) => JSON.stringify({ paymentRequestId: requestId });

async function waitFor(check, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await check();
    if (found) return found;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** prepare → fetch the exact bytes → the raw reply. */
async function exchange(client, api, body) {
  const request = client.prepare(api, body);
  const res = await fetch(request.url, request);
  return { request, status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** exchange → verifyResponse (throws as the core does). */
async function call(client, api, body) {
  const { request, status, headers, body: reply } = await exchange(client, api, body);
  assert.equal(status, 200, `${api}: HTTP ${status} ${reply}`);
  return client.verifyResponse(request.path, headers, reply);
}

async function callOk(client, api, body) {
  const response = await call(client, api, body);
  assert.equal(response.verified, true);
  assert.notEqual(response.verifiedBy, null);
  assert.notEqual(response.resultStatus, 'F', `${api}: ${response.resultCode}`);
  return response;
}

/** The simulator's loopback rotation administration; asserts HTTP 200. */
async function admin(gateway, path, payload) {
  const res = await fetch(gateway + path, payload === undefined && path === '/antom-public-keys'
    ? {}
    : { method: 'POST', body: payload === undefined ? '' : JSON.stringify(payload) });
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Both verification paths of a notification; they must agree on the key. */
async function verifyBoth(client, delivery) {
  const sync = client.verifyNotification(NOTIFY, delivery.headers, delivery.body);
  const async_ = await client.verifyNotificationAsync(NOTIFY, delivery.headers, delivery.body);
  assert.deepEqual(async_.verifiedBy, sync.verifiedBy);
  assert.equal(async_.dedupKey, sync.dedupKey);
  return sync.verifiedBy;
}

/** Both paths refuse with `code`; returns the sync error. */
async function refusedBoth(client, delivery, code) {
  let error;
  assert.throws(() => client.verifyNotification(NOTIFY, delivery.headers, delivery.body), (e) => {
    error = e;
    return e instanceof AntomError && e.code === code;
  });
  await assert.rejects(client.verifyNotificationAsync(NOTIFY, delivery.headers, delivery.body),
    (e) => e instanceof AntomError && e.code === code);
  return error;
}

test('a whole rotation with a notification in flight', async (t) => {
  const mock = await startMock();
  t.after(() => mock.stop());
  // The webhook refuses every delivery until the rotation is done on both sides, so the attempt
  // it acknowledges comes after it (Antom resends an unacknowledged one for a day).
  const webhook = await startWebhook();
  t.after(() => webhook.close());
  const { gateway } = mock;

  const oldMerchant = PrivateKey.parse(testKey('merchant.private.pkcs8.b64'));
  const newMerchant = PrivateKey.parse(testKey('other.private.pkcs8.b64'));
  const newMerchantPublic = testKey('other.public.spki.b64').trim();
  assert.ok(newMerchant.publicKey().equals(PublicKey.parse(newMerchantPublic)));
  const client = (privateKey, keyVersion, antomPublicKeys) =>
    new Client({ clientId: CLIENT_ID, privateKey, keyVersion, antomPublicKeys, gatewayUrl: gateway });

  const listed = await admin(gateway, '/antom-public-keys');
  assert.deepEqual(listed.map((k) => k.keyVersion), [1]);
  const oldAntom = PublicKey.parse(listed[0].publicKey);
  assert.equal(listed[0].fingerprint, oldAntom.fingerprint());
  const v1 = { keyVersion: 1, fingerprint: oldAntom.fingerprint() };

  // Before: one key each, version 1.
  const before = client(oldMerchant, 1, [{ key: oldAntom, keyVersion: 1 }]);
  const order = `rot-${process.hrtime.bigint()}`;
  const pay = await callOk(before, 'v1/payments/pay', payBody(order, webhook.url));
  assert.deepEqual(pay.verifiedBy, v1);
  const page = await fetch(pay.json().normalUrl); // the buyer pays
  assert.equal(page.status, 200);
  await page.arrayBuffer();
  const first = await waitFor(() => webhook.received[0], 'the first delivery');
  assert.equal(first.path, NOTIFY);
  assert.match(first.headers.signature, /keyVersion=1,/);
  assert.deepEqual(await verifyBoth(before, first), v1);
  const paid = before.verifyNotification(NOTIFY, first.headers, first.body);
  assert.equal(paid.notifyType, 'PAYMENT_RESULT');
  assert.equal(paid.outcome, 'SUCCEEDED');

  // During, step 1: Antom announces its next key and switches to it; the merchant's ring holds
  // both versions.
  const rotated = await admin(gateway, '/mock/rotate-antom-key');
  assert.equal(rotated.keyVersion, 2);
  const newAntom = PublicKey.parse(rotated.publicKey);
  assert.equal(rotated.fingerprint, newAntom.fingerprint());
  assert.notEqual(newAntom.fingerprint(), oldAntom.fingerprint());
  assert.deepEqual((await admin(gateway, '/antom-public-keys')).map((k) => k.keyVersion), [1, 2]);
  const v2 = { keyVersion: 2, fingerprint: newAntom.fingerprint() };
  const ring = [{ key: oldAntom, keyVersion: 1 }, { key: newAntom, keyVersion: 2 }];
  const during = client(oldMerchant, 1, ring);
  // The old client, without the new key, refuses the new version by name.
  await assert.rejects(call(before, 'v1/payments/inquiryPayment', inquiry(order)),
    (e) => e instanceof AntomError && e.code === 'UNKNOWN_KEY_VERSION');
  const inquired = await callOk(during, 'v1/payments/inquiryPayment', inquiry(order));
  assert.deepEqual(inquired.verifiedBy, v2);
  assert.equal(inquired.outcome, 'SUCCEEDED');
  // The same reply through WebCrypto.
  {
    const { request, headers, body } = await exchange(during, 'v1/payments/inquiryPayment', inquiry(order));
    const viaAsync = await during.verifyResponseAsync(request.path, headers, body);
    assert.equal(viaAsync.verified, true);
    assert.deepEqual(viaAsync.verifiedBy, v2);
  }
  // The delivery signed before the rotation still verifies with the ring.
  assert.deepEqual(await verifyBoth(during, first), v1);

  // During, step 2: the merchant registers a new key as version 2 and switches to it; both
  // merchant keys are accepted in the window.
  assert.deepEqual(await admin(gateway, '/mock/merchant-keys', { keyVersion: 2, publicKey: newMerchantPublic }),
    { keyVersion: 2 });
  const switched = client(newMerchant, 2, ring);
  assert.deepEqual((await callOk(switched, 'v1/payments/inquiryPayment', inquiry(order))).verifiedBy, v2);
  const sent = await switched.send('v1/payments/inquiryPayment', inquiry(order)); // Client.send too
  assert.equal(sent.error, null);
  assert.equal(sent.outcome, 'SUCCEEDED');
  assert.deepEqual(sent.response.verifiedBy, v2);
  await callOk(during, 'v1/payments/inquiryPayment', inquiry(order));

  // The in-flight notification is retried, now signed with keyVersion 2, and acknowledged.
  webhook.accept();
  const delivery = await waitFor(async () => {
    const log = await (await fetch(`${gateway}/notifications`)).json();
    return log.find((d) => d.finished);
  }, 'the notification to be acknowledged');
  assert.equal(delivery.acknowledged, true, JSON.stringify(delivery));
  const received = [...webhook.received];
  assert.equal(received.length, delivery.attempts.length);
  assert.ok(received.length >= 2, `a retry came: ${received.length} deliveries`);
  for (const attempt of received) {
    assert.deepEqual(attempt.body, first.body);
    await verifyBoth(switched, attempt); // every one
  }
  const last = received.at(-1);
  assert.match(last.headers.signature, /keyVersion=2,/);
  assert.deepEqual(await verifyBoth(switched, last), v2);
  // whichKey names the verifying key of a captured message, untagged keys too.
  assert.deepEqual(whichKey(ring, NOTIFY, first.headers, first.body), v1);
  assert.deepEqual(whichKey(ring, NOTIFY, last.headers, last.body), v2);
  assert.deepEqual(whichKey([newAntom, oldAntom], NOTIFY, first.headers, first.body),
    { keyVersion: null, fingerprint: oldAntom.fingerprint() });
  assert.deepEqual(whichKey(oldAntom.toBase64(), NOTIFY, first.headers, first.body),
    { keyVersion: null, fingerprint: oldAntom.fingerprint() });

  // After: the old keys are retired on both sides.
  assert.deepEqual(await admin(gateway, '/mock/merchant-keys/retire', { keyVersion: 1 }), { retired: 1 });
  const after = client(newMerchant, 2, [{ key: newAntom, keyVersion: 2 }]);
  assert.deepEqual((await callOk(after, 'v1/payments/inquiryPayment', inquiry(order))).verifiedBy, v2);
  // A request signed with the retired merchant key is refused by the gateway (unsigned F).
  const stale = await exchange(during, 'v1/payments/inquiryPayment', inquiry(order));
  assert.match(stale.request.headers.Signature ?? stale.request.headers.signature, /keyVersion=1,/);
  const verdict = after.verifyResponse(stale.request.path, stale.headers, stale.body);
  assert.equal(verdict.verified, false);
  assert.equal(verdict.verifiedBy, null);
  assert.equal(verdict.resultStatus, 'F');
  assert.equal(verdict.resultCode, 'KEY_NOT_FOUND');
  assert.equal(verdict.nextAction, 'INQUIRE');
  assert.equal(verdict.outcome, 'UNKNOWN');
  // A message signed by Antom's retired key is refused, never accepted.
  await refusedBoth(after, first, 'UNKNOWN_KEY_VERSION');
  assert.throws(() => whichKey([{ key: newAntom, keyVersion: 2 }], NOTIFY, first.headers, first.body),
    (e) => e instanceof AntomError && e.code === 'UNKNOWN_KEY_VERSION');
  // Even relabelled as version 2, it does not verify with the new key.
  const relabelled = {
    ...first,
    headers: { ...first.headers, signature: first.headers.signature.replace('keyVersion=1', 'keyVersion=2') },
  };
  assert.notEqual(relabelled.headers.signature, first.headers.signature);
  const mismatch = await refusedBoth(after, relabelled, 'SIGNATURE_MISMATCH');
  assert.ok(mismatch.message.includes(newAntom.fingerprint()), mismatch.message);
  // The new delivery still verifies with the final client.
  assert.deepEqual(await verifyBoth(after, last), v2);
});

test("the merchant's own key as Antom's is WRONG_KEY", () => {
  const merchant = PrivateKey.parse(testKey('merchant.private.pkcs8.b64'));
  const own = testKey('merchant.public.spki.b64');
  const antom = testKey('antom.public.spki.b64');
  const wrongKey = (e) => e instanceof AntomError && e.code === 'WRONG_KEY';
  assert.throws(() => new Client({ clientId: CLIENT_ID, privateKey: merchant, antomPublicKey: own }), (e) => {
    assert.ok(wrongKey(e), String(e));
    assert.ok(e.message.includes(merchant.publicKey().fingerprint()), e.message);
    return true;
  });
  // Also as one key of a ring, tagged or not.
  assert.throws(() => new Client({ clientId: CLIENT_ID, privateKey: merchant,
    antomPublicKeys: [{ key: antom, keyVersion: 1 }, { key: own, keyVersion: 2 }] }), wrongKey);
  assert.throws(() => new Client({ clientId: CLIENT_ID, privateKey: merchant, antomPublicKeys: [antom, own] }), wrongKey);
  // The right key is accepted (the check is not a refusal of everything).
  new Client({ clientId: CLIENT_ID, privateKey: merchant, antomPublicKey: antom }).free();
});
