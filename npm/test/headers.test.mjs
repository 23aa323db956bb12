// The verify paths hand the core only the headers it reads (NOTIFICATION_HEADERS /
// RESPONSE_HEADERS, selected as a superset: any name containing one, in any case). The core
// still decides: case-insensitive names, trimmed names, repeated headers refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Client, PrivateKey, contentToSign } from 'antom-core';

import { CLIENT_ID, testKey } from './helpers.mjs';

const antom = PrivateKey.parse(testKey('antom.private.pkcs8.b64'));
const client = new Client({ clientId: CLIENT_ID, antomPublicKey: testKey('antom.public.spki.b64') });
const BODY = '{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"},"paymentId":"p-1"}';
const TIME = '1700000000000';
const SIGNATURE = `algorithm=RSA256,keyVersion=1,signature=${antom.sign(contentToSign('POST', '/antom/notify', CLIENT_ID, TIME, BODY))}`;
const RESPONSE_PATH = '/ams/sandbox/api/v1/payments/pay';
const RESPONSE = '{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"ok"}}';
const RESPONSE_SIGNATURE = `algorithm=RSA256,keyVersion=1,signature=${antom.sign(contentToSign('POST', RESPONSE_PATH, CLIENT_ID, TIME, RESPONSE))}`;

const verify = (headers) => client.verifyNotification('/antom/notify', headers, BODY);

test('names in any case and with surrounding blanks are the core\'s; unrelated headers are never converted', () => {
  const unconvertible = { toString() { throw new Error('converted a header the core does not read'); } };
  const forms = [
    { 'client-id': CLIENT_ID, 'request-time': TIME, signature: SIGNATURE, 'x-other': unconvertible },
    [['Client-Id', CLIENT_ID], ['REQUEST-TIME', TIME], [' Signature\t', SIGNATURE], ['X-Other', unconvertible]],
    ['client-id', CLIENT_ID, 'request-time', TIME, 'signature', SIGNATURE, 'x-signature-hint', 'not the signature'],
    new Map([['client-id', CLIENT_ID], ['Request-Time', TIME], ['signature', SIGNATURE], ['x-client-id-hint', 'other']]),
    new Headers({ 'client-id': CLIENT_ID, 'request-time': TIME, signature: SIGNATURE, 'x-signature-hint': 'other' }),
  ];
  for (const headers of forms) assert.equal(verify(headers).dedupKey, 'PAYMENT_RESULT:paymentId=p-1');
});

test('a repeated signed header is refused however it is spelled; a missing one is MISSING_HEADER', () => {
  assert.throws(
    () => verify([['client-id', CLIENT_ID], ['request-time', TIME], ['signature', SIGNATURE], [' SIGNATURE', SIGNATURE]]),
    { code: 'INVALID_INPUT' },
  );
  assert.throws(
    () => verify(['client-id', CLIENT_ID, 'Client-ID', CLIENT_ID, 'request-time', TIME, 'signature', SIGNATURE]),
    { code: 'INVALID_INPUT' },
  );
  assert.throws(() => verify({ 'client-id': CLIENT_ID, 'Client-Id': CLIENT_ID, 'request-time': TIME, signature: SIGNATURE }), {
    code: 'INVALID_INPUT',
  });
  assert.throws(() => verify({ 'client-id': CLIENT_ID, 'request-time': [TIME, TIME], signature: SIGNATURE }), { code: 'INVALID_INPUT' });
  assert.throws(() => verify({ 'client-id': CLIENT_ID, 'request-time': TIME, 'x-signature': SIGNATURE }), { code: 'MISSING_HEADER' });
});

test('responses: fetch Headers, pairs and objects give the same verdict; non-ASCII values pass through', () => {
  const pairs = [['client-id', CLIENT_ID], ['response-time', TIME], ['signature', RESPONSE_SIGNATURE], ['date', 'now']];
  for (const headers of [pairs, Object.fromEntries(pairs), new Headers(pairs)]) {
    const response = client.verifyResponse(RESPONSE_PATH, headers, RESPONSE);
    assert.equal(response.isSuccess, true);
    assert.equal(response.resultMessage, 'ok');
  }
  // A client id that is not this client's, with non-ASCII text, is refused (not mangled into a match).
  assert.throws(
    () => client.verifyResponse(RESPONSE_PATH, [['client-id', `${CLIENT_ID}é`], ['response-time', TIME], ['signature', RESPONSE_SIGNATURE]], RESPONSE),
    { code: 'CLIENT_ID_MISMATCH' },
  );
  const tampered = Buffer.from(RESPONSE.replace('ok', 'ko'));
  assert.throws(() => client.verifyResponse(RESPONSE_PATH, new Headers(pairs), tampered), { code: 'SIGNATURE_MISMATCH' });
});
