// Every conformance vector in tests/vectors/, on both engines, against the installed package.
// The mapping from each operation to the API is vector-cases.mjs (shared with the Bun, Deno
// and workerd runs of npm/test-runtimes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { vectorsDir } from './helpers.mjs';
import { ASYNC_VERIFY_OPERATIONS, check, runAsyncCase, runCase, runVerifyAsyncCase, useVectors } from './vector-cases.mjs';

const load = (name) => JSON.parse(readFileSync(new URL(name, vectorsDir), 'utf8'));
useVectors((rel) => readFileSync(new URL(rel, vectorsDir), 'utf8'));

const manifest = load('manifest.json');

for (const engine of ['node', 'wasm']) {
  test(`every conformance vector passes on the ${engine} engine, exactly the manifest's count`, async (t) => {
    let total = 0;
    const hostileOperations = {};
    for (const [file, count] of Object.entries(manifest.files)) {
      await t.test(`${file} (${engine})`, async () => {
        const doc = load(file);
        assert.equal(doc.cases.length, count, `${file}: case count vs manifest`);
        const failures = [];
        for (const c of doc.cases) {
          // hostile.json: every case names its own operation.
          let operation = doc.operation;
          if (operation === 'hostile') {
            operation = c.operation;
            hostileOperations[operation] = (hostileOperations[operation] ?? 0) + 1;
          }
          const failure = await check(`${file}#${c.id}`, c.expect, c.forbidden ?? [], () => runCase(operation, c.input, engine));
          if (failure) failures.push(failure);
          total += 1;
        }
        if (failures.length) assert.fail(`${failures.length} of ${doc.cases.length} vectors failed:\n${failures.join('\n')}`);
      });
    }
    assert.equal(total, manifest.total, 'total cases vs manifest');
    assert.deepStrictEqual(hostileOperations, manifest.hostile_operations, 'hostile.json cases per operation vs manifest');
    assert.ok(total >= 200, `the contract needs at least 200 cases, found ${total}`);
    t.diagnostic(`ran ${total} conformance vectors on the ${engine} engine`);
  });
}

// The asynchronous signing paths, as a second pass over every signing vector: sign.json through
// PrivateKey.signAsync, prepare.json through Client.prepareAsync (which must also equal
// prepare()). Counted on their own, against the manifest's counts for those two files. On the
// node engine only: that is where they sign off the event loop (with engine "wasm" they run
// the synchronous path, which the passes above cover; signer.test.mjs checks they do).
const ASYNC_FILES = ['sign.json', 'prepare.json'];
for (const engine of ['node']) {
  test(`signAsync and prepareAsync pass every signing vector on the ${engine} engine`, async (t) => {
    let total = 0;
    for (const file of ASYNC_FILES) {
      const doc = load(file);
      assert.equal(doc.cases.length, manifest.files[file], `${file}: case count vs manifest`);
      const failures = [];
      for (const c of doc.cases) {
        const failure = await check(`${file}#${c.id} (async)`, c.expect, c.forbidden ?? [], () =>
          runAsyncCase(doc.operation, c.input, engine),
        );
        if (failure) failures.push(failure);
        total += 1;
      }
      if (failures.length) assert.fail(`${failures.length} of ${doc.cases.length} vectors failed:\n${failures.join('\n')}`);
    }
    const expected = ASYNC_FILES.reduce((sum, file) => sum + manifest.files[file], 0);
    assert.equal(total, expected, 'async cases vs the manifest counts of sign.json and prepare.json');
    t.diagnostic(`ran ${total} signing vectors again through signAsync / prepareAsync on the ${engine} engine`);
  });
}

// verifyResponseAsync / verifyNotificationAsync (the RSA check on WebCrypto, the rest in the
// core) as a third pass over every verify_response and verify_notification vector, hostile
// ones included, counted against the manifest.
test('verifyResponseAsync and verifyNotificationAsync pass every verification vector on WebCrypto', async (t) => {
  let total = 0;
  let expected = 0;
  const failures = [];
  for (const [file, count] of Object.entries(manifest.files)) {
    const doc = load(file);
    if (doc.operation === 'hostile') {
      for (const operation of ASYNC_VERIFY_OPERATIONS) expected += manifest.hostile_operations[operation] ?? 0;
    } else if (ASYNC_VERIFY_OPERATIONS.includes(doc.operation)) {
      expected += count;
    } else {
      continue;
    }
    for (const c of doc.cases) {
      const operation = doc.operation === 'hostile' ? c.operation : doc.operation;
      if (!ASYNC_VERIFY_OPERATIONS.includes(operation)) continue;
      const failure = await check(`${file}#${c.id} (webcrypto)`, c.expect, c.forbidden ?? [], () =>
        runVerifyAsyncCase(operation, c.input),
      );
      if (failure) failures.push(failure);
      total += 1;
    }
  }
  if (failures.length) assert.fail(`${failures.length} of ${total} vectors failed:\n${failures.join('\n')}`);
  assert.equal(total, expected, 'verification cases vs the manifest');
  assert.ok(expected > 0);
  t.diagnostic(`ran ${total} verification vectors through verify*Async on WebCrypto`);
});
