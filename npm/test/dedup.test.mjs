// antom-core/dedup on real databases started here (databases.mjs): PostgreSQL (pg) and Redis
// (node-redis) from Debian's packages, SQLite (node:sqlite) where the runtime has it. Per store:
// concurrent duplicates run the effect once; an effect failing mid-way answers 500 and the
// redelivery runs it once; a crashed worker's expired claim is taken over; a completion by a
// worker whose claim was taken over is refused (fencing); a store that is down answers 500
// without the effect. Then a load test: N signed notifications, each delivered several times
// concurrently to a node:http server running the dispatcher, some effects failing mid-way and
// redelivered until acknowledged: every effect exactly once, none lost, on every store.
// Notifications are signed here with node:crypto and the throw-away Antom test key.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import pg from 'pg';
import { createClient } from 'redis';

import { AntomError, Client, NOTIFICATION_ACK, webNotificationHandler } from 'antom-core';
import {
  ClaimLostError,
  LEASE_BOUNDS,
  PostgresStore,
  RedisStore,
  SQLiteStore,
  claimExpired,
  dispatcher,
  leaseMs,
  processOnce,
  sqliteAvailable,
} from 'antom-core/dedup';

import { startPostgres, startRedis } from './databases.mjs';
import { CLIENT_ID, testKey } from './helpers.mjs';

const PATH = '/antom/notify';
const LEASE = 1000; // the shortest lease the core accepts: the expiry tests wait ~1.1 s
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const antomKey = crypto.createPrivateKey({ key: Buffer.from(testKey('antom.private.pkcs8.b64'), 'base64'), format: 'der', type: 'pkcs8' });
const otherKey = crypto.createPrivateKey({ key: Buffer.from(testKey('other.private.pkcs8.b64'), 'base64'), format: 'der', type: 'pkcs8' });
const client = new Client({ clientId: CLIENT_ID, antomPublicKey: testKey('antom.public.spki.b64') });
after(() => client.free());

function signed(body, key = antomKey) {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const content = Buffer.concat([Buffer.from(`POST ${PATH}\n${CLIENT_ID}.${time}.`), Buffer.from(body)]);
  const signature = encodeURIComponent(crypto.sign('sha256', content, key).toString('base64'));
  return {
    'content-type': 'application/json; charset=UTF-8',
    'client-id': CLIENT_ID,
    'request-time': time,
    signature: `algorithm=RSA256,keyVersion=1,signature=${signature}`,
  };
}

let serial = 0;
function paymentBody(type = 'PAYMENT_RESULT') {
  serial += 1;
  const id = `${process.pid}-${Date.now()}-${serial}`;
  return JSON.stringify({
    notifyType: type,
    result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success.' },
    paymentRequestId: `order-${id}`,
    paymentId: `P-${id}`,
    refundId: `R-${id}`,
    paymentAmount: { currency: 'USD', value: '1000' },
  });
}

/** A verified Notification of a fresh payment. */
function notification() {
  const body = paymentBody();
  return client.verifyNotification(PATH, signed(body), body);
}

const quiet = { onError: () => {} };

test('lease bounds and rule are the core’s', () => {
  assert.deepEqual(LEASE_BOUNDS, { defaultMs: 60_000, minMs: 1_000, maxMs: 3_600_000 });
  assert.equal(leaseMs(), 60_000);
  assert.equal(leaseMs(1_000), 1_000);
  for (const bad of [0, 999, 3_600_001, -5]) {
    assert.throws(() => leaseMs(bad), (e) => e instanceof AntomError && e.code === 'INVALID_INPUT' && /lease_ms/.test(e.message));
  }
  assert.throws(() => leaseMs('1000'), TypeError);
  assert.equal(claimExpired(1_000, 5_000, 5_999), false);
  assert.equal(claimExpired(1_000, 5_000, 6_000), true);
  assert.equal(claimExpired(10_000, 5_000, 1_000), false);
});

/**
 * The scenarios every store must pass. `kit`: { store() (a second worker's store may be the
 * same one), effect(tx, key) (a write of the effect, in the store's transaction where it has
 * one), count(key), down() (makes the store unreachable) }.
 */
function storeScenarios(name, setup) {
  describe(`${name} store`, () => {
    let kit;
    before(async () => {
      kit = await setup();
    });
    after(async () => {
      await kit?.close();
    });

    test(`${name}: concurrent duplicate deliveries run the effect once`, async () => {
      const n = notification();
      const store = kit.store();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          processOnce(store, n, async (note, tx) => {
            await sleep(20);
            await kit.effect(tx, note.dedupKey);
          }, quiet),
        ),
      );
      assert.equal(await kit.count(n.dedupKey), 1);
      assert.equal(answers.filter((a) => a.reason === 'PROCESSED').length, 1, JSON.stringify(answers));
      for (const a of answers) {
        assert.ok(['PROCESSED', 'DUPLICATE', 'IN_PROGRESS'].includes(a.reason), a.reason);
        assert.equal(a.status, a.reason === 'IN_PROGRESS' ? 500 : 200);
        assert.equal(a.body, a.status === 200 ? NOTIFICATION_ACK : 'IN_PROGRESS');
      }
      const again = await processOnce(store, n, (note, tx) => kit.effect(tx, note.dedupKey), quiet);
      assert.deepEqual([again.status, again.reason], [200, 'DUPLICATE']);
      assert.equal(await kit.count(n.dedupKey), 1);
      assert.equal(await store.state(n.dedupKey), 'done');
    });

    test(`${name}: an effect failing mid-way answers 500, the redelivery runs it once`, async () => {
      const n = notification();
      const store = kit.store();
      const errors = [];
      const failed = await processOnce(
        store,
        n,
        async (note, tx) => {
          await kit.effect(tx, note.dedupKey, { partial: true });
          throw new Error('the effect failed half-way');
        },
        { onError: (e) => errors.push(e.message) },
      );
      assert.deepEqual([failed.status, failed.body, failed.reason], [500, 'CALLBACK_FAILED', 'CALLBACK_FAILED']);
      assert.deepEqual(errors, ['the effect failed half-way']);
      assert.equal(await kit.count(n.dedupKey), 0, 'the failed effect left nothing committed');
      assert.equal(await store.state(n.dedupKey), null, 'the claim was released');
      const redelivered = await processOnce(store, n, (note, tx) => kit.effect(tx, note.dedupKey), quiet);
      assert.deepEqual([redelivered.status, redelivered.body, redelivered.reason], [200, NOTIFICATION_ACK, 'PROCESSED']);
      assert.equal(await kit.count(n.dedupKey), 1);
    });

    test(`${name}: a crashed worker's expired claim is taken over, the effect runs once`, async () => {
      const n = notification();
      const crashed = await kit.store().claim(n.dedupKey, LEASE); // the worker dies holding it
      assert.equal(crashed.outcome, 'CLAIMED');
      const store = kit.store();
      const effect = (note, tx) => kit.effect(tx, note.dedupKey);
      const early = await processOnce(store, n, effect, { ...quiet, leaseMs: LEASE });
      assert.deepEqual([early.status, early.body], [500, 'IN_PROGRESS']);
      assert.equal(await kit.count(n.dedupKey), 0);
      await sleep(LEASE + 150);
      const taken = await processOnce(store, n, effect, { ...quiet, leaseMs: LEASE });
      assert.deepEqual([taken.status, taken.reason], [200, 'PROCESSED']);
      const late = await processOnce(store, n, effect, { ...quiet, leaseMs: LEASE });
      assert.deepEqual([late.status, late.reason], [200, 'DUPLICATE']);
      assert.equal(await kit.count(n.dedupKey), 1);
    });

    test(`${name}: a completion by a worker whose claim was taken over is refused (fencing)`, async () => {
      const n = notification();
      const key = n.dedupKey;
      const slow = kit.store();
      const first = await slow.claim(key, LEASE);
      await sleep(LEASE + 150); // the first worker hangs past its lease
      const second = await kit.store().claim(key, LEASE);
      assert.equal(second.outcome, 'CLAIMED');
      assert.notEqual(second.token, first.token);
      let staleRan = false;
      await assert.rejects(
        slow.complete(first, async (tx) => {
          staleRan = true;
          await kit.effect(tx, key);
        }),
        ClaimLostError,
      );
      // SQL stores fence before the effect (and would roll it back); Redis records after it.
      assert.equal(staleRan, !kit.transactional);
      assert.equal(await kit.count(key), kit.transactional ? 0 : 1);
      await kit.store().complete(second, (tx) => (kit.transactional ? kit.effect(tx, key) : undefined));
      assert.equal(await kit.count(key), 1);
      await slow.release(first); // a stale release deletes nothing
      assert.equal(await kit.store().state(key), 'done');
      const redelivered = await processOnce(kit.store(), n, (note, tx) => kit.effect(tx, note.dedupKey), quiet);
      assert.equal(redelivered.reason, 'DUPLICATE');
      assert.equal(await kit.count(key), 1);
    });

    test(`${name}: the load test through node:http and the dispatcher`, async () => {
      await loadTest(name, kit);
    });

    test(`${name}: a store that is down answers 500 and runs no effect`, async () => {
      const n = notification();
      await kit.down();
      let ran = 0;
      const answer = await processOnce(kit.store(), n, () => (ran += 1), { ...quiet, claimTimeoutMs: 1500 });
      assert.deepEqual([answer.status, answer.body, answer.reason], [500, 'STORE_UNAVAILABLE', 'STORE_UNAVAILABLE']);
      assert.equal(ran, 0);
      const d = dispatcher({ client, path: PATH, store: kit.store(), claimTimeoutMs: 1500, handlers: { PAYMENT_RESULT: () => (ran += 1) } });
      const body = paymentBody();
      const reply = await d.handle(signed(body), body);
      assert.deepEqual([reply.status, reply.body], [500, 'STORE_UNAVAILABLE']);
      assert.equal(ran, 0);
    });
  });
}

/**
 * N notifications, each delivered DUPLICATES times at once to a node:http server running the
 * dispatcher (through webNotificationHandler); one in FAIL_EVERY fails mid-way on its first run;
 * every delivery not acknowledged is delivered again (as Antom does) until all are.
 */
async function loadTest(name, kit) {
  const N = Number(process.env.DEDUP_LOAD_N || 200);
  const DUPLICATES = 4;
  const FAIL_EVERY = 7;
  const failedOnce = new Set();
  let handlerRuns = 0;
  const d = dispatcher({
    client,
    path: PATH,
    store: kit.store(),
    onError: () => {},
    handlers: {
      PAYMENT_RESULT: async (n, { body, tx }) => {
        handlerRuns += 1;
        assert.equal(body.paymentId.startsWith('P-'), true);
        await kit.effect(tx, n.dedupKey, { partial: true });
        if (Number(body.paymentId.split('-').pop()) % FAIL_EVERY === 0 && !failedOnce.has(n.dedupKey)) {
          failedOnce.add(n.dedupKey);
          throw new Error('failed mid-way');
        }
        await kit.effect(tx, n.dedupKey);
      },
    },
  });
  const handler = webNotificationHandler(d);
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers: req.headers, body: Buffer.concat(chunks) });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = `http://127.0.0.1:${server.address().port}${PATH}`;
  const deliver = (item) =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: item.headers, agent }, (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString() }));
      });
      req.on('error', reject);
      req.end(item.body);
    });

  const started = performance.now();
  const items = Array.from({ length: N }, () => {
    const body = paymentBody();
    return { body, headers: signed(body), key: client.verifyNotification(PATH, signed(body), body).dedupKey, acked: false };
  });
  const forged = paymentBody();
  const refused = await deliver({ body: forged, headers: signed(forged, otherKey) });
  assert.equal(refused.status, 401);
  assert.match(refused.body, /^[A-Z_]+$/);
  let deliveries = 0;
  const reasons = {};
  for (let round = 0; items.some((i) => !i.acked); round += 1) {
    assert.ok(round < 20, 'every notification is acknowledged within 20 rounds of redelivery');
    const pending = items.filter((i) => !i.acked);
    // Limited concurrency: 16 notifications at a time, each delivered DUPLICATES times at once.
    let next = 0;
    const lanes = Array.from({ length: 16 }, async () => {
      while (next < pending.length) {
        const item = pending[next++];
        const answers = await Promise.all(Array.from({ length: DUPLICATES }, () => deliver(item)));
        deliveries += answers.length;
        for (const a of answers) {
          reasons[a.body === NOTIFICATION_ACK ? 'ACK' : a.body] = (reasons[a.body === NOTIFICATION_ACK ? 'ACK' : a.body] ?? 0) + 1;
          assert.ok(a.status === 200 || a.status === 500, `status ${a.status}`);
          if (a.status === 200) item.acked = true;
        }
      }
    });
    await Promise.all(lanes);
    if (items.some((i) => !i.acked)) await sleep(50);
  }
  const wallMs = performance.now() - started;
  server.close();
  agent.destroy();

  let effects = 0;
  for (const item of items) {
    const count = await kit.count(item.key);
    assert.equal(count, 1, `the effect of one notification happened ${count} times`);
    effects += count;
  }
  assert.equal(effects, N);
  assert.ok(failedOnce.size >= Math.floor(N / FAIL_EVERY) - 1, 'some effects failed mid-way and were redelivered');
  console.log(
    `dedup load [${name}, Node ${process.version}]: N=${N} notifications, ${deliveries} deliveries ` +
      `(${DUPLICATES} concurrent each, redelivered until acknowledged: ${deliveries - N} duplicates), ` +
      `${failedOnce.size} effects failed mid-way, handler runs ${handlerRuns}, effects counted ${effects}, ` +
      `answers ${JSON.stringify(reasons)}, wall ${(wallMs / 1000).toFixed(2)} s`,
  );
}

// PostgreSQL: the effect writes in the completion's transaction (the pg client it is given).
storeScenarios('PostgreSQL', async () => {
  const server = await startPostgres();
  const pool = new pg.Pool({ ...server.config, max: 20, connectionTimeoutMillis: 1500 });
  pool.on('error', () => {}); // idle clients when the server is stopped
  const store = new PostgresStore({ pool });
  await store.createTable();
  await pool.query('CREATE TABLE effects (dedup_key text NOT NULL, part text NOT NULL)');
  return {
    transactional: true,
    store: () => store,
    async effect(tx, key, { partial = false } = {}) {
      await tx.query('INSERT INTO effects (dedup_key, part) VALUES ($1, $2)', [key, partial ? 'partial' : 'done']);
    },
    async count(key) {
      const row = await pool.query("SELECT count(*)::int AS n FROM effects WHERE dedup_key = $1 AND part = 'done'", [key]);
      const partial = await pool.query("SELECT count(*)::int AS n FROM effects WHERE dedup_key = $1 AND part = 'partial'", [key]);
      // a rolled-back effect leaves no partial write behind
      assert.ok(partial.rows[0].n <= row.rows[0].n, 'no partial write of a failed effect survived');
      return row.rows[0].n;
    },
    async down() {
      server.stop({ remove: false });
    },
    async close() {
      server.stop();
      await pool.end().catch(() => {});
    },
  };
});

// Redis: no shared transaction; the effect counts in memory (its partial write is a no-op).
storeScenarios('Redis', async () => {
  const server = await startRedis();
  const redis = createClient({ url: server.url, socket: { reconnectStrategy: 50 } });
  redis.on('error', () => {}); // reconnection attempts once the server is killed
  await redis.connect();
  const store = new RedisStore({ client: redis });
  const counts = new Map();
  return {
    transactional: false,
    store: () => store,
    effect(tx, key, { partial = false } = {}) {
      assert.equal(tx, null);
      if (!partial) counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    count: (key) => counts.get(key) ?? 0,
    async down() {
      await server.stop();
    },
    async close() {
      await server.stop();
      redis.destroy();
    },
  };
});

// SQLite needs node:sqlite: Node.js >= 22.13 (or 23.4). Where the runtime has it the suite runs
// (and says so); where it does not, the store must refuse with a clear error, and the Node.js
// version must explain why. `make test-node-lts` (Node 22 and 24) checks that a run covered it.
const [major, minor] = process.versions.node.split('.').map(Number);
const SQLITE_EXPECTED = major >= 24 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);

test(`node:sqlite on Node ${process.version}: ${SQLITE_EXPECTED ? 'present, the SQLite suite runs' : 'absent, SQLiteStore refuses clearly'}`, () => {
  assert.equal(sqliteAvailable(), SQLITE_EXPECTED, `node:sqlite availability on ${process.version}`);
  if (!SQLITE_EXPECTED) {
    assert.throws(
      () => new SQLiteStore(join(tmpdir(), 'never-created.sqlite3')),
      (e) => e.code === 'ERR_ANTOM_NO_SQLITE' && e.message.includes(process.version) && /Node\.js >= 22\.13/.test(e.message),
    );
    console.log(`dedup: SQLite store NOT covered on Node ${process.version} (no node:sqlite); make test-node-lts covers it`);
  }
});

if (SQLITE_EXPECTED) {
  storeScenarios('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antom-npm-sqlite-'));
    const store = new SQLiteStore(join(dir, 'dedup.sqlite3'));
    await store.createTable();
    store.db.exec('CREATE TABLE effects (dedup_key TEXT NOT NULL, part TEXT NOT NULL)');
    let closed = false;
    return {
      transactional: true,
      store: () => store,
      effect(tx, key, { partial = false } = {}) {
        tx.prepare('INSERT INTO effects (dedup_key, part) VALUES (?, ?)').run(key, partial ? 'partial' : 'done');
      },
      count(key) {
        const done = store.db.prepare("SELECT count(*) AS n FROM effects WHERE dedup_key = ? AND part = 'done'").get(key).n;
        const partial = store.db.prepare("SELECT count(*) AS n FROM effects WHERE dedup_key = ? AND part = 'partial'").get(key).n;
        assert.ok(partial <= done, 'no partial write of a failed effect survived');
        return Number(done);
      },
      async down() {
        await store.close(); // the database is gone from under the store
        closed = true;
      },
      async close() {
        if (!closed) await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
  test(`SQLite store covered on Node ${process.version}`, () => {
    if (process.env.ANTOM_DEDUP_SQLITE_RUNS) appendFileSync(process.env.ANTOM_DEDUP_SQLITE_RUNS, `${process.version}\n`);
    console.log(`dedup: SQLite store covered on Node ${process.version}`);
  });
}

test('the dispatcher: a handler per notifyType, a fallback, 401 with the code for a forgery', async () => {
  const runs = [];
  const d = dispatcher({
    client,
    path: PATH,
    handlers: {
      PAYMENT_RESULT: (n, { body, tx, notifyType }) => runs.push(['payment', notifyType, body.paymentRequestId.startsWith('order-'), tx]),
      REFUND_RESULT: (n, { notifyType }) => runs.push(['refund', notifyType]),
    },
    fallback: (n, { notifyType }) => runs.push(['fallback', notifyType]),
  });
  for (const type of ['PAYMENT_RESULT', 'REFUND_RESULT', 'CAPTURE_RESULT']) {
    const body = paymentBody(type);
    const reply = await d.handle(signed(body), body);
    assert.deepEqual([reply.status, reply.body], [200, NOTIFICATION_ACK]);
  }
  assert.deepEqual(runs, [
    ['payment', 'PAYMENT_RESULT', true, null],
    ['refund', 'REFUND_RESULT'],
    ['fallback', 'CAPTURE_RESULT'],
  ]);
  const body = paymentBody();
  const forged = await d.handle(signed(body, otherKey), body);
  assert.equal(forged.status, 401);
  assert.equal(forged.body, 'SIGNATURE_MISMATCH');
  assert.equal(runs.length, 3, 'no handler ran for the forgery');

  // No store: a handler that throws answers 500 CALLBACK_FAILED; no handler and no fallback: ACK.
  const failing = dispatcher({ client, path: PATH, onError: () => {}, handlers: { PAYMENT_RESULT: () => { throw new Error('x'); } } });
  const failed = await failing.handle(signed(body), body);
  assert.deepEqual([failed.status, failed.body], [500, 'CALLBACK_FAILED']);
  const refund = paymentBody('REFUND_RESULT');
  const warn = console.warn;
  const warnings = [];
  console.warn = (m) => warnings.push(m);
  try {
    const unhandled = await failing.handle(signed(refund), refund);
    assert.deepEqual([unhandled.status, unhandled.body], [200, NOTIFICATION_ACK]);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, ['antom-core: no handler for notifyType "REFUND_RESULT" and no fallback; acknowledged']);
  assert.throws(() => dispatcher({ client, path: PATH, store: {} }), TypeError);
  assert.throws(() => dispatcher({ client, path: PATH, handlers: { PAYMENT_RESULT: 1 } }), TypeError);
  assert.throws(() => dispatcher({ client, path: PATH, leaseMs: 10 }), AntomError);
});

test('the package does not depend on pg, redis or ioredis', async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const pkg = require('antom-core/package.json');
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of ['pg', 'redis', 'ioredis']) assert.equal(pkg[field]?.[name], undefined, `${field}.${name}`);
  }
});

test('antom-core/dedup: one instance for import and require, the same Client class as antom-core', async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const cjs = require('antom-core/dedup');
  const esm = await import('antom-core/dedup');
  assert.equal(esm.default, cjs);
  for (const name of Object.keys(cjs)) assert.equal(esm[name], cjs[name], `ESM exports ${name}`);
  assert.match(require.resolve('antom-core/dedup'), /dist[\\/]dedup\.cjs$/);
  assert.match(import.meta.resolve('antom-core/dedup'), /dist\/dedup\.mjs$/);
  assert.equal(require('antom-core').Client, Client);
});
