// Type-checked (never run) by types.test.mjs: client.send, the outcome and the webhook handlers.
import {
  Client,
  DEFAULT_TIMEOUT_MS,
  NOTIFICATION_ACK,
  expressNotificationHandler,
  fastifyNotificationPlugin,
  handleNotification,
  webNotificationHandler,
  type ApiResponse,
  type Notification,
  type NotificationReply,
  type Outcome,
  type SendResult,
  type SendEvent,
  type RetryDecision,
  decideRetry,
  retryPolicy,
} from 'antom-core';
import { trace } from '@opentelemetry/api';

const client = new Client({ clientId: 'SANDBOX_1', privateKey: 'x', antomPublicKey: 'y' });
const sent: SendResult = await client.send('v1/payments/pay', '{}', { timeoutMs: DEFAULT_TIMEOUT_MS, retries: 1, fetch });
const outcome: Outcome = sent.outcome;
if (sent.error !== null) {
  const code: 'TRANSPORT_ERROR' | 'TIMEOUT' | 'HTTP_STATUS' = sent.error.code;
  console.log(code, sent.error.message, sent.httpStatus);
}
const response: ApiResponse | null = sent.response;
const paid: boolean = response?.outcome === 'SUCCEEDED';
console.log(outcome, paid, sent.attempts);
const events: SendEvent[] = [];
await client.send('v1/payments/pay', '{}', {
  retryPolicy: retryPolicy({ maxAttempts: 3, deadlineMs: 20_000 }),
  onEvent: (e) => events.push(e),
  includeBodies: false,
  tracer: trace.getTracer('my-app'),
});
const decision: RetryDecision = decideRetry({ maxAttempts: 2 }, { path: '/ams/api/v1/payments/pay', body: '{}', attempt: 1, failure: { kind: 'http_status', status: 503 } });
const reason: 'RETRY' | 'RETRIES_OFF' | 'NOT_RETRYABLE' | 'NO_IDEMPOTENCY_KEY' | 'ATTEMPTS_EXHAUSTED' | 'DEADLINE_REACHED' = decision.reason;
console.log(reason, events[0]?.retryDelayMs);
// @ts-expect-error: the policy has no such setting
await client.send('v1/payments/pay', '{}', { retryPolicy: { tries: 3 } });
// @ts-expect-error: retries is a number
await client.send('v1/payments/pay', '{}', { retries: true });
// @ts-expect-error: FAILED_MAYBE is no outcome
const wrong: Outcome = 'FAILED_MAYBE';

const options = {
  client,
  path: '/antom/notify',
  onNotification: async (n: Notification) => {
    const o: Outcome = n.outcome;
    console.log(o, n.dedupKey);
  },
  onError: (e: unknown) => console.error(e),
  maxAgeMs: 36 * 3600_000,
};
const reply: NotificationReply = await handleNotification(options, { signature: 'x' }, Buffer.alloc(0));
const status: 200 | 401 | 500 = reply.status;
console.log(status, reply.body === NOTIFICATION_ACK, wrong);
const expressHandler = expressNotificationHandler(options);
expressHandler({ headers: {}, body: Buffer.alloc(0) }, { status: () => ({}) as never, set: () => ({}) as never, end: () => undefined }, () => {});
const plugin = fastifyNotificationPlugin({ ...options, url: '/hooks/antom' });
const web: (request: Request) => Promise<Response> = webNotificationHandler(options);
console.log(plugin, web);
// @ts-expect-error: onNotification is required
webNotificationHandler({ client, path: '/antom/notify' });
