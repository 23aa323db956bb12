// The packed package on a server runtime other than Node.js (Bun, Deno, workerd): every
// conformance vector on each engine, the signing vectors again through the asynchronous paths,
// the verification vectors through verify*Async (WebCrypto), client.send's rules and the
// web-standard Request webhook handler. Runtime-neutral: the caller reads the vectors and hands
// them over (`data`), so workerd, which has no file system, runs exactly what Bun and Deno run.
// Expected values are the vectors'; counts are reported and checked against the manifest by
// the caller (npm/scripts/test-runtimes.mjs) as well as here.
import { AntomError, Client, NOTIFICATION_ACK, PublicKey, PrivateKey, webNotificationHandler } from 'antom-core';

import { ASYNC_VERIFY_OPERATIONS, check, runAsyncCase, runCase, runVerifyAsyncCase, useVectors } from './vector-cases.mjs';

/**
 * Runs everything on this runtime. `data`: `{ manifest, docs: { file: vector document },
 * texts: { path relative to tests/vectors/: text } }`; `verifyEngine`: the engine the webhook
 * handler and send are expected to verify with here (`"node"`, or `"webcrypto"` on workerd).
 * Resolves to `{ counts, failures, checks }` (a failure is one line).
 */
export async function runSuite(data, { verifyEngine }) {
  textOf = (rel) => {
    const text = data.texts[rel];
    if (text === undefined) throw new Error(`no vector file ${rel}`);
    return text;
  };
  useVectors(textOf);
  const { manifest, docs } = data;
  const counts = {};
  const failures = [];

  for (const engine of ['node', 'wasm']) {
    let total = 0;
    const hostile = {};
    for (const [file, count] of Object.entries(manifest.files)) {
      const doc = docs[file];
      if (doc.cases.length !== count) failures.push(`${file}: ${doc.cases.length} cases, the manifest says ${count}`);
      for (const c of doc.cases) {
        let operation = doc.operation;
        if (operation === 'hostile') {
          operation = c.operation;
          hostile[operation] = (hostile[operation] ?? 0) + 1;
        }
        const failure = await check(`${file}#${c.id} (${engine})`, c.expect, c.forbidden ?? [], () =>
          runCase(operation, c.input, engine),
        );
        if (failure) failures.push(failure);
        total += 1;
      }
    }
    if (JSON.stringify(sorted(hostile)) !== JSON.stringify(sorted(manifest.hostile_operations))) {
      failures.push(`hostile.json cases per operation ${JSON.stringify(hostile)} differ from the manifest`);
    }
    counts[engine] = total;
  }

  counts.async_signing = 0;
  for (const file of ['sign.json', 'prepare.json']) {
    const doc = docs[file];
    for (const c of doc.cases) {
      const failure = await check(`${file}#${c.id} (async)`, c.expect, c.forbidden ?? [], () =>
        runAsyncCase(doc.operation, c.input, 'node'),
      );
      if (failure) failures.push(failure);
      counts.async_signing += 1;
    }
  }

  counts.webcrypto = 0;
  for (const file of Object.keys(manifest.files)) {
    const doc = docs[file];
    for (const c of doc.cases) {
      const operation = doc.operation === 'hostile' ? c.operation : doc.operation;
      if (!ASYNC_VERIFY_OPERATIONS.includes(operation)) continue;
      const failure = await check(`${file}#${c.id} (webcrypto)`, c.expect, c.forbidden ?? [], () =>
        runVerifyAsyncCase(operation, c.input),
      );
      if (failure) failures.push(failure);
      counts.webcrypto += 1;
    }
  }

  const checks = { count: 0 };
  const expectThat = (ok, what) => {
    checks.count += 1;
    if (!ok) failures.push(what);
  };
  await sendRules(docs, expectThat, verifyEngine);
  await webhookRules(docs, expectThat, verifyEngine);
  return { counts, failures, checks: checks.count };
}

function sorted(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A vector case by file and id. */
function vector(docs, file, id) {
  const found = docs[file].cases.find((c) => c.id === id);
  if (found === undefined) throw new Error(`${file} has no case ${id}`);
  return found;
}

function clientOf(data, config, extra = {}) {
  const options = {
    clientId: config.client_id,
    antomPublicKey: PublicKey.parse(data(config.antom_public_key_file)),
    ...extra,
  };
  if (config.private_key_file !== undefined) options.privateKey = PrivateKey.parse(data(config.private_key_file));
  if (config.max_body_bytes !== undefined) options.maxBodyBytes = config.max_body_bytes;
  return new Client(options);
}

/** Reads a vector file (relative to tests/vectors/) from the data handed to runSuite. */
let textOf;

/** A stand-in for fetch: records each call and answers with `answer(call number)`. */
function fetchStub(answer) {
  const calls = [];
  const stub = async (url, init) => {
    calls.push({ url, method: init.method, body: init.body, headers: JSON.stringify(init.headers) });
    return answer(calls.length, init);
  };
  return { stub, calls };
}

function replyOf(input, status = 200) {
  const body = input.body_base64 !== undefined ? Buffer.from(input.body_base64, 'base64') : Buffer.from(input.body, 'utf8');
  return new Response(body, { status, headers: new Headers(input.headers) });
}

/** client.send: a verified reply, a forged one, 5xx with retries, 3xx, a transport error, a timeout. */
async function sendRules(docs, expectThat, verifyEngine) {
  const signed = vector(docs, 'response.json', 'signed-s');
  const forged = vector(docs, 'response.json', 'tampered-body');
  const body = JSON.stringify({ paymentRequestId: 'runtime-suite-1' });
  const api = signed.input.path.replace(/^\/ams\/api\//, '');

  {
    const client = clientOf(textOf, signed.input.config);
    const { stub, calls } = fetchStub(() => replyOf(signed.input));
    const result = await client.send(api, body, { fetch: stub });
    expectThat(result.outcome === signed.expect.outcome, `send (verified reply): outcome ${result.outcome}, the vector says ${signed.expect.outcome}`);
    expectThat(result.error === null && result.attempts === 1, 'send (verified reply): no error, one attempt');
    expectThat(result.response?.verified === signed.expect.verified, 'send (verified reply): response.verified as the vector');
    expectThat(result.response?.engine === verifyEngine, `send (verified reply): verified on ${result.response?.engine}, expected ${verifyEngine}`);
    expectThat(calls.length === 1 && calls[0].url.endsWith(signed.input.path) && calls[0].body === body && calls[0].method === 'POST',
      'send (verified reply): exactly the prepared request was sent to the signed path');
  }
  {
    const client = clientOf(textOf, forged.input.config);
    const { stub } = fetchStub(() => replyOf(forged.input));
    let code;
    try {
      await client.send(api, body, { fetch: stub });
    } catch (err) {
      code = err instanceof AntomError ? err.code : `not an AntomError: ${err}`;
    }
    expectThat(code === forged.expect.error, `send (forged reply): rejected with ${code}, the vector says ${forged.expect.error}`);
  }
  {
    const client = clientOf(textOf, signed.input.config);
    const { stub, calls } = fetchStub(() => new Response('busy', { status: 503 }));
    const result = await client.send(api, body, { fetch: stub, retries: 2 });
    expectThat(result.outcome === 'UNKNOWN' && result.error?.code === 'HTTP_STATUS' && result.httpStatus === 503,
      `send (503): ${result.outcome} ${result.error?.code} ${result.httpStatus}`);
    expectThat(result.attempts === 3 && calls.length === 3, `send (503, retries 2): ${calls.length} attempts, expected 3`);
    expectThat(calls.every((c) => c.body === calls[0].body && c.headers === calls[0].headers), 'send (503): every attempt identical');
  }
  {
    const client = clientOf(textOf, signed.input.config);
    const { stub, calls } = fetchStub(() => new Response(null, { status: 302, headers: { location: 'https://elsewhere.invalid/' } }));
    const result = await client.send(api, body, { fetch: stub, retries: 2 });
    expectThat(result.outcome === 'UNKNOWN' && result.error?.code === 'HTTP_STATUS' && calls.length === 1,
      `send (302): ${result.error?.code} after ${calls.length} attempts (never resent)`);
  }
  {
    const client = clientOf(textOf, signed.input.config);
    const { stub } = fetchStub(() => {
      throw new TypeError('fetch failed');
    });
    const result = await client.send(api, body, { fetch: stub });
    expectThat(result.outcome === 'UNKNOWN' && result.error?.code === 'TRANSPORT_ERROR' && result.response === null,
      `send (transport error): ${result.outcome} ${result.error?.code}`);
  }
  {
    const client = clientOf(textOf, signed.input.config);
    const { stub } = fetchStub(
      (n, init) =>
        new Promise((resolve, reject) => {
          init.signal.addEventListener('abort', () => reject(init.signal.reason ?? new Error('aborted')));
        }),
    );
    const result = await client.send(api, body, { fetch: stub, timeoutMs: 50 });
    expectThat(result.outcome === 'UNKNOWN' && result.error?.code === 'TIMEOUT', `send (no reply): ${result.outcome} ${result.error?.code}`);
  }
}

function requestOf(input, body) {
  const bytes = body ?? (input.body_base64 !== undefined ? Buffer.from(input.body_base64, 'base64') : Buffer.from(input.body, 'utf8'));
  return new Request(`https://merchant.example${input.path}`, { method: 'POST', headers: new Headers(input.headers), body: bytes });
}

/** webNotificationHandler: 200 + ACK for a signed notification, 401 + code, 500, size refusal. */
async function webhookRules(docs, expectThat, verifyEngine) {
  const good = vector(docs, 'notification.json', 'payment-result');
  const tampered = vector(docs, 'notification.json', 'tampered-body');
  const oversized = vector(docs, 'notification.json', 'body-over-max-body-bytes');
  {
    const seen = [];
    const handler = webNotificationHandler({
      client: clientOf(textOf, good.input.config),
      path: good.input.path,
      onNotification: (n) => seen.push(n),
    });
    const res = await handler(requestOf(good.input));
    const text = await res.text();
    expectThat(res.status === 200 && text === NOTIFICATION_ACK, `webhook (signed): ${res.status} ${text.slice(0, 40)}`);
    expectThat(seen.length === 1 && seen[0].dedupKey === good.expect.dedup_key && seen[0].outcome === good.expect.outcome,
      'webhook (signed): onNotification got the notification the vector describes');
    expectThat(seen[0]?.engine === verifyEngine, `webhook (signed): verified on ${seen[0]?.engine}, expected ${verifyEngine}`);
  }
  {
    let called = 0;
    const handler = webNotificationHandler({
      client: clientOf(textOf, tampered.input.config),
      path: tampered.input.path,
      onNotification: () => {
        called += 1;
      },
    });
    const res = await handler(requestOf(tampered.input));
    const text = await res.text();
    expectThat(res.status === 401 && text === tampered.expect.error && called === 0,
      `webhook (tampered): ${res.status} ${text}, the vector says 401 ${tampered.expect.error}; onNotification ran ${called} times`);
  }
  {
    const errors = [];
    const handler = webNotificationHandler({
      client: clientOf(textOf, good.input.config),
      path: good.input.path,
      onNotification: () => {
        throw new Error('the database is down');
      },
      onError: (e) => errors.push(e),
    });
    const res = await handler(requestOf(good.input));
    expectThat(res.status === 500 && errors.length === 1, `webhook (onNotification throws): ${res.status}, onError ${errors.length} times`);
  }
  {
    let called = 0;
    const handler = webNotificationHandler({
      client: clientOf(textOf, oversized.input.config),
      path: oversized.input.path,
      onNotification: () => {
        called += 1;
      },
    });
    const res = await handler(requestOf(oversized.input));
    const text = await res.text();
    expectThat(res.status === 401 && text === oversized.expect.error && called === 0,
      `webhook (over maxBodyBytes): ${res.status} ${text}, the vector says 401 ${oversized.expect.error}`);
  }
}
