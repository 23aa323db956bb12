// The special transports through a real `antom mock`: meter.createSession → uploadEvent
// (unsigned both ways, X-Session-Id: reported verified=false / UNKNOWN, never proof) and
// billing.product.uploadImage (multipart; the signature covers the JSON part; the reply
// verified). The simulator is target/debug/antom, or $ANTOM_BIN.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { AntomError } from 'antom-core';

import { startMock } from './mock.mjs';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100)]);

let mock;
let client;
let dir;

before(async () => {
  mock = await startMock();
  ({ client } = mock);
  dir = mkdtempSync(join(tmpdir(), 'antom-transfers-'));
});

after(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await mock?.stop();
});

test('createSession, then uploadEvent: the unsigned reply is verified=false and UNKNOWN', async () => {
  const session = await client.send('v1/meter/createSession', '{"meterType":"API_CALL"}');
  assert.equal(session.response.verified, true);
  const { sessionId } = session.response.json();
  assert.ok(sessionId);
  const seen = [];
  const recording = (url, init) => {
    seen.push({ url, headers: new Headers(init.headers) });
    return fetch(url, init);
  };
  const reply = await client.uploadEvent(sessionId, '{"events":[{"eventName":"call","value":"1"}]}', { fetch: recording });
  assert.equal(reply.status, 200);
  assert.equal(reply.verified, false);
  assert.equal(reply.outcome, 'UNKNOWN');
  assert.equal(reply.resultStatus, 'S'); // what the simulator sent: unverified
  assert.ok(Object.isFrozen(reply));
  assert.equal(seen[0].headers.get('x-session-id'), sessionId);
  assert.equal(seen[0].headers.get('signature'), null, 'the event upload is not signed');
  assert.ok(!String(reply).includes(sessionId));
  const unknown = await client.uploadEvent('no-such-session', '{"events":[]}');
  assert.equal(unknown.verified, false);
  assert.equal(unknown.outcome, 'UNKNOWN');
  assert.notEqual(unknown.resultStatus, 'S');
});

test('uploadImage: multipart from bytes or a path, the reply verified', async () => {
  const path = join(dir, 'shoe.png');
  writeFileSync(path, PNG);
  for (const file of [PNG, path, new URL(`file://${path}`)]) {
    const response = await client.uploadImage('P-1', file);
    assert.equal(response.verified, true);
    assert.equal(response.resultStatus, 'S');
    assert.equal(response.json().productId, 'P-1');
  }
});

test('uploadImage: an oversized file is refused by its size (INVALID_INPUT), nothing sent', async () => {
  const big = join(dir, 'big.png');
  writeFileSync(big, '');
  truncateSync(big, 64 * 1024 * 1024); // sparse: larger than the upload limit
  let sent = 0;
  const counting = (url, init) => {
    sent += 1;
    return fetch(url, init);
  };
  await assert.rejects(client.uploadImage('P-1', big, { fetch: counting }), (e) => {
    assert.ok(e instanceof AntomError);
    assert.equal(e.code, 'INVALID_INPUT');
    assert.match(e.message, /larger than/);
    return true;
  });
  await assert.rejects(client.uploadImage('P-1', Buffer.alloc(0), { fetch: counting }), { code: 'INVALID_INPUT' });
  assert.equal(sent, 0);
  await assert.rejects(client.uploadImage('P-1', 42), TypeError);
});
