// antom-core/testing type-checks for a strict ESM consumer (test/types.test.mjs compiles it).
import { Client, handleNotification } from 'antom-core';
import { TestKit, type FakeFetch, type NotificationType, type SignedMessage } from 'antom-core/testing';

const kit = new TestKit({ clientId: 'SANDBOX_5X00000000000000' });
const client: Client = kit.client({ maxBodyBytes: 1 << 20 });
const types: NotificationType[] = TestKit.notificationTypes();
const first: string | null = types[0]?.field ?? null;
const message: SignedMessage = kit.notification('PAYMENT_RESULT', { paymentRequestId: 'order-1' }, { path: '/antom/notify' });
const other: SignedMessage = kit.notification('REFUND_RESULT', ['refundStatus=FAIL']);
const reply = await handleNotification({ client, path: '/antom/notify', onNotification: () => {} }, message.headers, message.body);
const status: number = reply.status;
const fetch: FakeFetch = kit.fakeFetch({ 'payments.pay': ['S', 503, { status: 'U', overrides: { 'result.resultCode': 'PAYMENT_IN_PROCESS' } }] });
const result = await client.send('v1/payments/pay', '{}', { fetch });
const signed: boolean = fetch.requests[0]?.signed ?? false;
const response: SignedMessage = kit.response('payments.pay', { status: 'F' });
const clientId: string = kit.verifyRequest('/ams/api/v1/payments/pay', message.headers, message.body);
// @ts-expect-error a status is S, U or F
kit.sampleResponse('payments.pay', 'X');
export { first, other, status, result, signed, response, clientId };
