'use strict';
// antom-core/dedup: exactly-once processing of verified notifications, and a typed dispatcher.
//
// The decisions are the core's (antom_core::dedup through the WebAssembly glue): what a claim's
// outcome leads to, the answer after the effect, the lease bounds and the lease rule. This file
// runs the steps (claim, effect, completion, release) against a store and converts types. The
// stores require their client library lazily (`pg`, `redis`, `node:sqlite`): the package
// depends on none of them; you pass your own pool or client.
//
// Never a key, a signature or a body in a log line or an error of this file: a store's failure
// is reported by its error's name only, the effect's error is handed to `onError`.

const crypto = require('node:crypto');

const wasm = require('./antom_wasm.js');
const antom = require('./index.cjs');

const { Client, NOTIFICATION_ACK, Notification, handleNotification } = antom;

/** The answer marker webhooks.cjs recognises in what an onNotification resolves to. */
const WEBHOOK_ANSWER = Symbol.for('antom-core.webhookAnswer');

const CLAIMED = 'CLAIMED';
const ALREADY_DONE = 'ALREADY_DONE';
const IN_PROGRESS = 'IN_PROGRESS';
const STORE_UNAVAILABLE = 'STORE_UNAVAILABLE';
const CLAIM_OUTCOMES = Object.freeze([CLAIMED, ALREADY_DONE, IN_PROGRESS, STORE_UNAVAILABLE]);
/** The body of the 500 answer when a verified body is not JSON (the dispatcher's). */
const INVALID_MODEL = 'INVALID_MODEL';

const [DEFAULT_LEASE_MS, MIN_LEASE_MS, MAX_LEASE_MS] = wasm.dedupLeaseBounds();
const LEASE_BOUNDS = Object.freeze({ defaultMs: DEFAULT_LEASE_MS, minMs: MIN_LEASE_MS, maxMs: MAX_LEASE_MS });
/** How long processOnce waits for a claim before counting the store as unavailable. */
const DEFAULT_CLAIM_TIMEOUT_MS = 5000;

/** The completion was refused: the claim is no longer this worker's (its lease expired and
 * another delivery took it over). Nothing was recorded; an SQL store rolled the effect back. */
class ClaimLostError extends Error {
  constructor(message = 'the claim was taken over: its lease expired') {
    super(message);
    this.name = 'ClaimLostError';
  }
}

/** The lease to claim with, in ms: `requested`, or the default (60 s). Throws the core's
 * AntomError INVALID_INPUT out of 1 s .. 1 h. */
function leaseMs(requested) {
  if (requested === undefined || requested === null) return wasm.dedupLeaseMs(undefined);
  if (typeof requested !== 'number' || !Number.isFinite(requested)) throw new TypeError('leaseMs must be a number of milliseconds');
  return wasm.dedupLeaseMs(requested);
}

/** The core's lease rule: a claim made at `claimedAtMs` may be taken over once `nowMs` reaches
 * `claimedAtMs + leaseMs` (for a store that keeps claim times itself). */
function claimExpired(claimedAtMs, leaseMsValue, nowMs) {
  return wasm.dedupClaimExpired(claimedAtMs, leaseMsValue, nowMs);
}

/** A fresh claim token: 128 random bits, hex. */
function newToken() {
  return crypto.randomBytes(16).toString('hex');
}

function answerOf(native) {
  try {
    return Object.freeze({ status: native.status, body: native.body, reason: native.reason, release: native.release });
  } finally {
    native.free();
  }
}

function reportEffectError(error) {
  console.error('antom-core: the notification effect failed; answered HTTP 500 so that Antom delivers it again:', error);
}

function storeErrorName(error) {
  return error instanceof Error ? error.name : typeof error;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `effect(notification, tx)` at most once per `notification.dedupKey` through `store`, and
 * resolves to the answer the core's table gives: `{ status: 200, body: NOTIFICATION_ACK }` only
 * after the effect and its completion record committed (reason PROCESSED), or for a key already
 * done (DUPLICATE, the effect not run); `{ status: 500, body: <reason code> }` otherwise
 * (IN_PROGRESS, STORE_UNAVAILABLE, CALLBACK_FAILED, COMPLETION_FAILED), so that Antom delivers
 * again. `tx`: the store's transaction (a pg client, the node:sqlite database; null for Redis).
 *
 * Options: `leaseMs` (default 60 s, 1 s .. 1 h), `claimTimeoutMs` (default 5 s: a slower claim
 * counts as STORE_UNAVAILABLE), `onError(error)` (the effect's error; default console.error).
 */
async function processOnce(store, notification, effect, options = {}) {
  if (!(notification instanceof Notification)) throw new TypeError('notification must come from client.verifyNotification()');
  if (typeof effect !== 'function') throw new TypeError('effect must be a function (notification, tx) => void | Promise<void>');
  checkStore(store);
  const lease = leaseMs(options.leaseMs);
  const claimTimeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  if (typeof claimTimeoutMs !== 'number' || !(claimTimeoutMs > 0) || !Number.isFinite(claimTimeoutMs)) {
    throw new TypeError('claimTimeoutMs must be a positive number of milliseconds');
  }
  const onError = options.onError ?? reportEffectError;
  const key = notification.dedupKey;

  let claim;
  let outcome;
  try {
    claim = await withTimeout(Promise.resolve().then(() => store.claim(key, lease)), claimTimeoutMs, 'the claim');
    if (claim === null || typeof claim !== 'object' || !CLAIM_OUTCOMES.includes(claim.outcome)) {
      throw new TypeError('DedupStore.claim must resolve to { outcome, token }');
    }
    outcome = claim.outcome;
  } catch (error) {
    console.error(
      `antom-core: the dedup store could not claim the notification (${storeErrorName(error)}); ` +
        'answered HTTP 500 without the effect so that Antom delivers it again',
    );
    outcome = STORE_UNAVAILABLE;
  }
  const early = wasm.dedupOnClaim(outcome);
  if (early !== undefined) return answerOf(early);

  const held = Object.freeze({ key, outcome: CLAIMED, token: claim.token });
  let effectFailed = false;
  let effectError;
  let result;
  try {
    await store.complete(held, async (tx) => {
      try {
        return await effect(notification, tx);
      } catch (error) {
        effectFailed = true;
        effectError = error;
        throw error;
      }
    });
    result = 'COMMITTED';
  } catch (error) {
    if (effectFailed) {
      try {
        onError(effectError);
      } catch {
        // a failing reporter must not change the answer
      }
      result = 'EFFECT_FAILED';
    } else {
      console.error(
        `antom-core: the dedup store could not record the completion (${storeErrorName(error)}); ` +
          'answered HTTP 500 so that Antom delivers it again',
      );
      result = 'COMPLETION_FAILED';
    }
  }
  const answer = answerOf(wasm.dedupAfterEffect(result));
  if (answer.release) {
    try {
      await store.release(held);
    } catch (error) {
      console.error(
        `antom-core: the dedup store could not release a claim (${storeErrorName(error)}): the next delivery waits for its lease`,
      );
    }
  }
  return answer;
}

function checkStore(store) {
  if (store === null || typeof store !== 'object' || !['claim', 'complete', 'release'].every((m) => typeof store[m] === 'function')) {
    throw new TypeError('store must be a DedupStore: { claim(key, leaseMs), complete(claim, effect), release(claim) }');
  }
}

/**
 * A typed dispatcher: one handler per notifyType (`PAYMENT_RESULT`, `REFUND_RESULT`, ...) and a
 * fallback, exactly once per dedupKey through `store`. For each delivery: verify (a forgery:
 * 401 with the error code), pick the handler (none and no fallback: 200, logged by type),
 * parse the body as JSON (not JSON: 500 INVALID_MODEL), run `handler(notification, { body,
 * tx, notifyType })` through processOnce (without a store: on every delivery, 500
 * CALLBACK_FAILED if it throws).
 *
 * The result is itself webhook options: pass it to handleNotification, expressNotificationHandler,
 * fastifyNotificationPlugin or webNotificationHandler; `dispatch.handle(headers, body)` is
 * handleNotification bound to it.
 */
function dispatcher(options) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('dispatcher options must be an object like { client, path, store, handlers }');
  }
  const { client, path, store, handlers = {}, fallback, leaseMs: lease, claimTimeoutMs, maxAgeMs, onError } = options;
  if (!(client instanceof Client)) throw new TypeError('client must be an antom-core Client');
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError('path must be the notification path registered with Antom, e.g. "/antom/notify"');
  }
  if (store !== undefined && store !== null) checkStore(store);
  if (handlers === null || typeof handlers !== 'object') throw new TypeError('handlers must be an object { NOTIFY_TYPE: handler }');
  const table = new Map();
  for (const [type, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') throw new TypeError(`handlers.${type} must be a function`);
    table.set(type, handler);
  }
  if (fallback !== undefined && fallback !== null && typeof fallback !== 'function') throw new TypeError('fallback must be a function');
  if (onError !== undefined && onError !== null && typeof onError !== 'function') throw new TypeError('onError must be a function');
  if (lease !== undefined) leaseMs(lease); // out of bounds: thrown now, not per delivery
  const report = onError ?? reportEffectError;

  async function onNotification(notification) {
    const type = notification.notifyType;
    const handler = (type !== null && table.get(type)) || fallback;
    if (!handler) {
      console.warn(`antom-core: no handler for notifyType ${JSON.stringify(type)} and no fallback; acknowledged`);
      return marked({ status: 200, body: NOTIFICATION_ACK, reason: 'UNHANDLED' });
    }
    let body;
    try {
      body = notification.json();
    } catch {
      return marked({ status: 500, body: INVALID_MODEL, reason: INVALID_MODEL });
    }
    const run = (n, tx) => handler(n, { body, tx, notifyType: type });
    if (store === undefined || store === null) {
      try {
        await run(notification, null);
      } catch (error) {
        try {
          report(error);
        } catch {
          // keep the 500
        }
        return marked(answerOf(wasm.dedupAfterEffect('EFFECT_FAILED')));
      }
      return marked(answerOf(wasm.dedupAfterEffect('COMMITTED')));
    }
    return marked(await processOnce(store, notification, run, { leaseMs: lease, claimTimeoutMs, onError: report }));
  }

  const dispatch = {
    client,
    path,
    maxAgeMs,
    onNotification,
    onError: report,
    handle: (headers, body) => handleNotification(dispatch, headers, body),
  };
  return Object.freeze(dispatch);
}

function marked(answer) {
  return Object.freeze({ [WEBHOOK_ANSWER]: true, status: answer.status, body: answer.body, reason: answer.reason });
}

// ---------------------------------------------------------------------------------------------
// Reference stores.

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function tableName(table) {
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) throw new TypeError('table must be an SQL identifier like antom_dedup');
  return table;
}

/**
 * PostgreSQL through `pg` (a `pg.Pool` you pass: `new PostgresStore({ pool })`, or
 * `{ connectionString }` to make one, requiring `pg` then). One row per dedupKey (the primary
 * key), the server's clock for leases:
 * - claim: one `INSERT ... ON CONFLICT (dedup_key) DO UPDATE ... WHERE state = 'claimed' AND
 *   expires_at <= clock_timestamp() RETURNING token` (a new key or an expired claim taken over);
 * - complete: one transaction on one pool client: the fenced `UPDATE ... SET state = 'done'
 *   WHERE token = $2` first (0 rows: ClaimLostError; the row stays locked until COMMIT), then
 *   `effect(client)` on that client, then COMMIT; anything thrown rolls both back. The effect
 *   must not COMMIT or ROLLBACK itself (use SAVEPOINTs);
 * - release: deletes the claim if it still carries this token.
 */
class PostgresStore {
  constructor({ pool, connectionString, table = 'antom_dedup' } = {}) {
    if (pool === undefined || pool === null) {
      if (typeof connectionString !== 'string') throw new TypeError('PostgresStore needs { pool } (a pg.Pool) or { connectionString }');
      const pg = requireOptional('pg', 'PostgresStore');
      pool = new pg.Pool({ connectionString });
      this.ownsPool = true;
    } else {
      if (typeof pool.query !== 'function' || typeof pool.connect !== 'function') throw new TypeError('pool must be a pg.Pool');
      this.ownsPool = false;
    }
    this.pool = pool;
    this.table = tableName(table);
  }

  /** Creates the table if it does not exist (once at start-up, or in a migration). */
  async createTable() {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (` +
        ' dedup_key text PRIMARY KEY,' +
        " state text NOT NULL CHECK (state IN ('claimed', 'done'))," +
        ' token text,' +
        ' expires_at timestamptz,' +
        ' done_at timestamptz)',
    );
  }

  async claim(key, lease) {
    const token = newToken();
    const claimed = await this.pool.query(
      `INSERT INTO ${this.table} AS d (dedup_key, state, token, expires_at)` +
        " VALUES ($1, 'claimed', $2, clock_timestamp() + $3 * interval '1 millisecond')" +
        ' ON CONFLICT (dedup_key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at' +
        " WHERE d.state = 'claimed' AND d.expires_at <= clock_timestamp()" +
        ' RETURNING d.token',
      [key, token, lease],
    );
    if (claimed.rowCount === 1) return { key, outcome: CLAIMED, token };
    const row = await this.pool.query(`SELECT state FROM ${this.table} WHERE dedup_key = $1`, [key]);
    return { key, outcome: row.rows[0]?.state === 'done' ? ALREADY_DONE : IN_PROGRESS, token: null };
  }

  async complete(claim, effect) {
    const client = await this.pool.connect();
    let broken;
    try {
      await client.query('BEGIN').catch((error) => {
        broken = error;
        throw error;
      });
      try {
        const done = await client.query(
          `UPDATE ${this.table} SET state = 'done', token = NULL, expires_at = NULL, done_at = clock_timestamp()` +
            " WHERE dedup_key = $1 AND state = 'claimed' AND token = $2",
          [claim.key, claim.token],
        );
        if (done.rowCount !== 1) throw new ClaimLostError();
        const result = await effect(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((e) => {
          broken = e; // the connection is unusable: destroy it rather than return it to the pool
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  async release(claim) {
    await this.pool.query(`DELETE FROM ${this.table} WHERE dedup_key = $1 AND state = 'claimed' AND token = $2`, [
      claim.key,
      claim.token,
    ]);
  }

  /** 'claimed', 'done' or null: what the table holds for `key`. */
  async state(key) {
    const row = await this.pool.query(`SELECT state FROM ${this.table} WHERE dedup_key = $1`, [key]);
    return row.rows[0]?.state ?? null;
  }

  /** Ends the pool when this store made it. */
  async close() {
    if (this.ownsPool) await this.pool.end();
  }
}

// KEYS[1] the key; ARGV[1] the claim value, ARGV[2] the lease in ms. One atomic step: SET NX PX
// (an expired claim has vanished, so it is taken over), else say what is there.
const REDIS_CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'CLAIMED' end
if redis.call('GET', KEYS[1]) == 'done' then return 'ALREADY_DONE' end
return 'IN_PROGRESS'
`;
// KEYS[1] the key; ARGV[1] this claim's value, ARGV[2] the done marker's lifetime in ms (0: none).
const REDIS_COMPLETE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
else redis.call('SET', KEYS[1], 'done') end
return 1
`;
const REDIS_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Redis through node-redis (`redis`): `new RedisStore({ client })` with your connected client
 * (`createClient(...)` then `await client.connect()`), or `{ url }` to make one (requiring
 * `redis`; call `connect()`). One string per dedupKey under `prefix`:
 * - claim: `SET key claimed:<token> NX PX lease` in a Lua script that also reads what is there;
 * - complete: `effect(null)` runs, **then** a Lua script replaces this claim (only this one:
 *   ClaimLostError otherwise) with the done marker;
 * - release: deletes the claim if it is still this one.
 * Redis cannot share a transaction with your effect: if the completion cannot be recorded after
 * the effect ran (Redis went away, the process died in between), the redelivery runs the effect
 * again. Make the effect idempotent on its own side, or use an SQL store.
 * `doneTtlMs`: how long a done marker is kept (default forever; at least a day).
 */
class RedisStore {
  constructor({ client, url, prefix = 'antom:dedup:', doneTtlMs } = {}) {
    if (client === undefined || client === null) {
      if (typeof url !== 'string') throw new TypeError('RedisStore needs { client } (a node-redis client) or { url }');
      const redis = requireOptional('redis', 'RedisStore');
      client = redis.createClient({ url, disableOfflineQueue: true });
      this.ownsClient = true;
    } else {
      if (typeof client.sendCommand !== 'function') throw new TypeError('client must be a node-redis client (createClient())');
      this.ownsClient = false;
    }
    if (doneTtlMs !== undefined && doneTtlMs !== null && !(Number.isSafeInteger(doneTtlMs) && doneTtlMs >= 86_400_000)) {
      throw new TypeError('doneTtlMs must be at least one day (86400000), or undefined');
    }
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
    this.client = client;
    this.prefix = prefix;
    this.doneTtlMs = doneTtlMs ?? 0;
  }

  /** Connects the client this store made (a client you passed is yours to connect). */
  async connect() {
    if (this.ownsClient && !this.client.isOpen) await this.client.connect();
  }

  eval(script, key, ...args) {
    return this.client.sendCommand(['EVAL', script, '1', this.prefix + key, ...args.map(String)]);
  }

  async claim(key, lease) {
    const token = newToken();
    const answer = String(await this.eval(REDIS_CLAIM, key, `claimed:${token}`, lease));
    if (answer === CLAIMED) return { key, outcome: CLAIMED, token };
    if (answer === ALREADY_DONE || answer === IN_PROGRESS) return { key, outcome: answer, token: null };
    throw new Error('unexpected answer from the claim script');
  }

  async complete(claim, effect) {
    const result = await effect(null);
    const recorded = await this.eval(REDIS_COMPLETE, claim.key, `claimed:${claim.token}`, this.doneTtlMs);
    if (Number(recorded) !== 1) throw new ClaimLostError();
    return result;
  }

  async release(claim) {
    await this.eval(REDIS_RELEASE, claim.key, `claimed:${claim.token}`);
  }

  /** 'claimed', 'done' or null: what Redis holds for `key`. */
  async state(key) {
    const value = await this.client.sendCommand(['GET', this.prefix + key]);
    if (value === null || value === undefined) return null;
    return String(value) === 'done' ? 'done' : 'claimed';
  }

  /** Closes the client when this store made it. */
  async close() {
    if (this.ownsClient && this.client.isOpen) await this.client.close();
  }
}

/**
 * SQLite through `node:sqlite` (Node.js >= 22.13; throws on a Node without it), the embedded
 * default: `new SQLiteStore('antom-dedup.sqlite3')` or `{ database }` (your DatabaseSync). The
 * same table and statements as PostgresStore, with this process's clock (Date.now()) for
 * leases. The effect runs in the completion's transaction (`BEGIN IMMEDIATE` ... `COMMIT`) on
 * the store's connection, given as `tx`; a node:sqlite connection is synchronous and shared, so
 * the store runs its statements one delivery at a time (a queue on the connection, not a
 * decision: claims are still the database's unique key). Other processes may open the same file.
 */
class SQLiteStore {
  constructor(pathOrOptions = {}) {
    const options = typeof pathOrOptions === 'string' ? { path: pathOrOptions } : pathOrOptions;
    const { path, database, table = 'antom_dedup', busyTimeoutMs = 5000 } = options;
    this.table = tableName(table);
    if (database !== undefined && database !== null) {
      if (typeof database.prepare !== 'function' || typeof database.exec !== 'function') {
        throw new TypeError('database must be a node:sqlite DatabaseSync');
      }
      this.db = database;
    } else {
      if (typeof path !== 'string') throw new TypeError('SQLiteStore needs a file path (or { database })');
      const { DatabaseSync } = sqliteModule();
      this.db = new DatabaseSync(path);
      this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
      this.db.exec('PRAGMA journal_mode = WAL');
    }
    this.queue = Promise.resolve();
    this.clock = options.clock ?? Date.now;
  }

  /** Runs `step` after every step queued before it (one transaction at a time on the connection). */
  serial(step) {
    const run = this.queue.then(step);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  createTable() {
    return this.serial(() => {
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${this.table} (` +
          ' dedup_key TEXT PRIMARY KEY,' +
          " state TEXT NOT NULL CHECK (state IN ('claimed', 'done'))," +
          ' token TEXT,' +
          ' expires_at INTEGER,' +
          ' done_at INTEGER)',
      );
    });
  }

  claim(key, lease) {
    return this.serial(() => {
      const token = newToken();
      const now = this.clock();
      const row = this.db
        .prepare(
          `INSERT INTO ${this.table} (dedup_key, state, token, expires_at) VALUES (?, 'claimed', ?, ?)` +
            ' ON CONFLICT (dedup_key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at' +
            " WHERE state = 'claimed' AND expires_at <= ?" +
            ' RETURNING token',
        )
        .get(key, token, now + lease, now);
      if (row !== undefined && row.token === token) return { key, outcome: CLAIMED, token };
      const state = this.db.prepare(`SELECT state FROM ${this.table} WHERE dedup_key = ?`).get(key)?.state;
      return { key, outcome: state === 'done' ? ALREADY_DONE : IN_PROGRESS, token: null };
    });
  }

  complete(claim, effect) {
    return this.serial(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const done = this.db
          .prepare(
            `UPDATE ${this.table} SET state = 'done', token = NULL, expires_at = NULL, done_at = ?` +
              " WHERE dedup_key = ? AND state = 'claimed' AND token = ?",
          )
          .run(this.clock(), claim.key, claim.token);
        if (Number(done.changes) !== 1) throw new ClaimLostError();
        const result = await effect(this.db);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.isTransaction !== false) {
          try {
            this.db.exec('ROLLBACK');
          } catch {
            // no transaction left to roll back
          }
        }
        throw error;
      }
    });
  }

  release(claim) {
    return this.serial(() => {
      this.db
        .prepare(`DELETE FROM ${this.table} WHERE dedup_key = ? AND state = 'claimed' AND token = ?`)
        .run(claim.key, claim.token);
    });
  }

  /** 'claimed', 'done' or null: what the table holds for `key`. */
  state(key) {
    return this.serial(() => this.db.prepare(`SELECT state FROM ${this.table} WHERE dedup_key = ?`).get(key)?.state ?? null);
  }

  close() {
    return this.serial(() => this.db.close());
  }
}

/** node:sqlite, or a clear error on a Node.js without it (before 22.13). */
function sqliteModule() {
  try {
    return require('node:sqlite');
  } catch (error) {
    const missing = new Error(
      `SQLiteStore needs node:sqlite, which this Node.js (${process.version}) does not have: ` +
        'use Node.js >= 22.13 (or 23.4), or PostgresStore / RedisStore',
    );
    missing.code = 'ERR_ANTOM_NO_SQLITE';
    missing.cause = error;
    throw missing;
  }
}

/** Whether this runtime has node:sqlite (so SQLiteStore works). */
function sqliteAvailable() {
  try {
    require('node:sqlite');
    return true;
  } catch {
    return false;
  }
}

function requireOptional(name, who) {
  try {
    return require(name);
  } catch (error) {
    const missing = new Error(`${who} needs the "${name}" package: npm install ${name} (antom-core does not depend on it)`);
    missing.code = 'ERR_ANTOM_MISSING_PEER';
    missing.cause = error;
    throw missing;
  }
}

module.exports = {
  processOnce,
  dispatcher,
  leaseMs,
  claimExpired,
  newToken,
  ClaimLostError,
  PostgresStore,
  RedisStore,
  SQLiteStore,
  sqliteAvailable,
  CLAIM_OUTCOMES,
  LEASE_BOUNDS,
  INVALID_MODEL,
  WEBHOOK_ANSWER,
};
