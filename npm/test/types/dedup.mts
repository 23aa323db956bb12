// antom-core/dedup's declarations from a strict ESM consumer: stores, processOnce, the dispatcher.
import { Client, handleNotification, webNotificationHandler, type Notification } from 'antom-core';
import {
  ClaimLostError,
  LEASE_BOUNDS,
  PostgresStore,
  RedisStore,
  SQLiteStore,
  dispatcher,
  leaseMs,
  processOnce,
  type DedupAnswer,
  type DedupStore,
  type PgPoolLike,
} from 'antom-core/dedup';

declare const client: Client;
declare const notification: Notification;
declare const pool: PgPoolLike; // a pg.Pool

const store = new PostgresStore({ pool });
const answer: DedupAnswer = await processOnce(store, notification, async (n, tx) => {
  await tx.query('UPDATE orders SET paid = true WHERE key = $1', [n.dedupKey]);
});
const status: 200 | 500 = answer.status;
const lease: number = leaseMs(LEASE_BOUNDS.minMs);

const memory: DedupStore<null> = {
  claim: (key) => ({ key, outcome: 'CLAIMED', token: 't' }),
  complete: async (_claim, effect) => effect(null),
  release: () => {},
};

const d = dispatcher({
  client,
  path: '/antom/notify',
  store: memory,
  handlers: {
    PAYMENT_RESULT: (n, { body }) => {
      const id: string | undefined = body.paymentRequestId;
      return id;
    },
    REFUND_RESULT: (n, { body }) => body.refundId,
  },
  fallback: (n, { notifyType }) => notifyType,
});
const reply = await d.handle({}, '{}');
const code: number = reply.status;
const web: (request: Request) => Promise<Response> = webNotificationHandler(d);
await handleNotification(d, {}, '{}');
new RedisStore({ url: 'redis://localhost:6379' });
new SQLiteStore('dedup.sqlite3');
const lost: Error = new ClaimLostError();
export { status, lease, code, web, lost };
