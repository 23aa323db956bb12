// Type-checked (never run) by types.test.mjs: the declarations as a CommonJS consumer sees them.
import antom = require('antom-core');
const c = new antom.Client({ clientId: 'x', apiKey: 'isak_TEST_a_b', antomPublicKey: 'y' });
const p: string = c.prepare('v1/payments/pay', '{}', 1).headers['Authorization'];
console.log(p);
// Typed models, as a CommonJS consumer sees them.
const refund: antom.RefundRequest = { refundRequestId: 'r1', paymentId: 'p1', refundAmount: { currency: 'USD', value: '400' } };
const refundStatus = (n: antom.AntomNotificationModels['REFUND_RESULT']): string | undefined => n.refundStatus;
console.log(refund, refundStatus);
// @ts-expect-error: refundAmount is required
const noAmount: antom.RefundRequest = { refundRequestId: 'r1', paymentId: 'p1' };
console.log(noAmount);
