// External signer with the real AWS SDK (@aws-sdk/client-kms, pinned) against moto's KMS server
// on 127.0.0.1: an RSA_2048 SIGN_VERIFY key signs in RAW mode (moto 5.2.5 mishandles
// MessageType=DIGEST; digest mode is tested with a local signer in test/signer.test.mjs). The
// prepared request must verify with the key's public half (GetPublicKey) and be accepted by the
// local Antom simulator (`antom mock`) configured with that public key as the merchant key.
// Run by npm/scripts/test-kms.mjs (make test-node-kms), with MOTO_SERVER and ANTOM_BIN set.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { CreateKeyCommand, GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { AntomError, Client, PublicKey, verifyRequest } from 'antom-core';

import { CLIENT_ID } from './helpers.mjs';

const children = [];
const work = mkdtempSync(join(tmpdir(), 'antom-kms-'));
let kms;
let keyId;
let otherKeyId;
let kmsPublicDer;
let gatewayUrl;
let antomPublicKey;

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts a child process; resolves to its stdout lines so far once `ready(text)` is true. */
function start(command, args, ready, what) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 30 s:\n${output}`)), 30_000);
    const check = (chunk) => {
      output += chunk;
      if (ready(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });
}

before(async () => {
  const port = await freePort();
  const moto = start(process.env.MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], (out) => out.includes('Running on'), 'moto_server');
  await moto;
  kms = new KMSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
  const create = () => kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Description: 'antom-core test' }));
  keyId = (await create()).KeyMetadata.KeyId;
  otherKeyId = (await create()).KeyMetadata.KeyId;
  const publicKey = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  assert.ok(publicKey.SigningAlgorithms.includes('RSASSA_PKCS1_V1_5_SHA_256'));
  kmsPublicDer = Buffer.from(publicKey.PublicKey);
  // The simulator, with the KMS key's public half registered as the merchant key.
  const merchantFile = join(work, 'kms.public.b64');
  writeFileSync(merchantFile, `${kmsPublicDer.toString('base64')}\n`);
  const out = await start(
    process.env.ANTOM_BIN,
    ['mock', '--port', '0', '--merchant-public-key', merchantFile, '--client-id', CLIENT_ID, '--quiet'],
    (text) => /antom public key: +\S+/.test(text),
    'antom mock',
  );
  gatewayUrl = /antom mock: listening on (\S+)/.exec(out)[1];
  antomPublicKey = /antom public key: +(\S+)/.exec(out)[1];
});

after(() => {
  for (const child of children) child.kill();
  rmSync(work, { recursive: true, force: true });
});

/** The AWS KMS signer of the README: RAW mode with the message. */
const awsSigner = (id) => async ({ message }) => {
  const { Signature } = await kms.send(
    new SignCommand({ KeyId: id, Message: message, MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
  );
  return Signature;
};

function kmsClient(id, merchantPublicKey = PublicKey.fromDer(kmsPublicDer)) {
  return new Client({ clientId: CLIENT_ID, antomPublicKey, gatewayUrl, signer: awsSigner(id), merchantPublicKey });
}

async function send(client, request) {
  const res = await fetch(request.url, { ...request, signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200);
  return client.verifyResponse(request.path, res.headers, Buffer.from(await res.arrayBuffer()));
}

test('a request signed by AWS KMS verifies with the KMS public key, and the simulator accepts it', async () => {
  const client = kmsClient(keyId);
  const orderId = `kms-${Date.now()}`;
  const amount = { currency: 'USD', value: '1000' };
  const request = await client.prepareAsync(
    'v1/payments/pay',
    JSON.stringify({
      productCode: 'CASHIER_PAYMENT',
      paymentRequestId: orderId,
      order: { referenceOrderId: orderId, orderDescription: 'KMS-signed order', orderAmount: amount },
      paymentAmount: amount,
      paymentMethod: { paymentMethodType: 'ALIPAY_CN' },
      paymentRedirectUrl: 'http://127.0.0.1/return',
      paymentNotifyUrl: 'http://127.0.0.1:9/notify',
      env: { terminalType: 'WEB' },
    }),
  );
  assert.equal(request.engine, 'external');
  // Independently of antom-core: node:crypto with the DER GetPublicKey returned.
  const kmsPublic = crypto.createPublicKey({ key: kmsPublicDer, format: 'der', type: 'spki' });
  const value = decodeURIComponent(/signature=([^,]+)/.exec(request.headers.Signature)[1]);
  const content = `POST ${request.path}\n${CLIENT_ID}.${request.headers['Request-Time']}.${request.body}`;
  assert.ok(crypto.verify('sha256', Buffer.from(content), kmsPublic, Buffer.from(value, 'base64')));
  assert.equal(verifyRequest(PublicKey.fromDer(kmsPublicDer), request.path, Object.entries(request.headers), request.body).time, request.headers['Request-Time']);
  // The simulator checked the signature with the KMS public key and answered signed.
  const pay = await send(client, request);
  assert.equal(pay.verified, true, `${pay.resultStatus} ${pay.resultCode}: ${pay.resultMessage}`);
  assert.notEqual(pay.resultCode, 'INVALID_SIGNATURE');
  const inquiry = await client.prepareAsync('v1/payments/inquiryPayment', JSON.stringify({ paymentRequestId: orderId }));
  const status = await send(client, inquiry);
  assert.equal(status.verified, true);
  assert.equal(status.json().paymentRequestId, orderId);
});

test('the wrong KMS key: SIGNING_FAILED with merchantPublicKey; without it the simulator refuses', async () => {
  await assert.rejects(kmsClient(otherKeyId).prepareAsync('v1/payments/inquiryPayment', '{"paymentRequestId":"x"}'), (err) => {
    assert.ok(err instanceof AntomError);
    assert.equal(err.code, 'SIGNING_FAILED');
    assert.match(err.message, /does not verify/);
    return true;
  });
  const unchecked = new Client({ clientId: CLIENT_ID, antomPublicKey, gatewayUrl, signer: awsSigner(otherKeyId) });
  const request = await unchecked.prepareAsync('v1/payments/inquiryPayment', '{"paymentRequestId":"x"}');
  const response = await send(unchecked, request);
  assert.equal(response.verified, false);
  assert.equal(response.resultCode, 'INVALID_SIGNATURE');
  assert.equal(response.nextAction, 'INQUIRE');
});

test('a KMS error (unknown key id) is SIGNING_FAILED with the SDK error as its cause', async () => {
  const client = kmsClient('00000000-0000-0000-0000-000000000000');
  await assert.rejects(client.prepareAsync('v1/payments/inquiryPayment', '{"paymentRequestId":"x"}'), (err) => {
    assert.equal(err.code, 'SIGNING_FAILED');
    assert.ok(err.cause instanceof Error, 'the AWS SDK error is kept as the cause');
    assert.match(err.cause.name, /NotFound/);
    return true;
  });
});
