// Type-checked (never run) by types.test.mjs: the declarations as an ES module consumer sees them.
import { Client, PrivateKey, PublicKey, AntomError, NOTIFICATION_ACK, ERROR_CODES, toMinorUnits, endpoint, type ApiResponse, type ErrorCode } from 'antom-core';
import antom from 'antom-core';
import http from 'node:http';
const client = new Client({ clientId: 'SANDBOX_1', privateKey: 'x', antomPublicKey: 'y', engine: 'node', region: 'asia' });
const req = client.prepare('v1/payments/pay', '{}');
const res = await fetch(req.url, req);
const r: ApiResponse = client.verifyResponse(req.path, res.headers, Buffer.from(await res.arrayBuffer()));
if (r.nextAction === 'INQUIRE') console.log(r.json<{ a: number }>().a);
http.createServer((q, s) => { const n = client.verifyNotification('/antom/notify', q.headers, Buffer.alloc(0)); s.end(NOTIFICATION_ACK + n.notifyType); });
client.verifyResponse('/x', q_raw(), 'body');
function q_raw(): string[] { return []; }
client.verifyResponse('/x', [['a', 'b']], new Uint8Array(1));
try { PrivateKey.parse('x'); } catch (e) { if (e instanceof AntomError) { const c: ErrorCode = e.code; console.log(c); } }
const k: string = PublicKey.parse('x').toBase64();
console.log(ERROR_CODES, toMinorUnits('1', 'USD'), endpoint('x')?.path, antom.Client === Client, k);
// @ts-expect-error: engine is 'node' | 'wasm'
new Client({ clientId: 'x', privateKey: 'x', antomPublicKey: 'y', engine: 'gpu' });
// External signers and the asynchronous signing paths.
import type { Signer, SigningRequest } from 'antom-core';
const kmsSigner: Signer = async ({ message, digest }: SigningRequest) => new Uint8Array(message.length + digest.length);
const kmsClient = new Client({ clientId: 'x', antomPublicKey: 'y', signer: kmsSigner, merchantPublicKey: 'z' });
const signed = await kmsClient.prepareAsync('v1/payments/pay', '{}', Date.now());
const ran: 'node' | 'wasm' | 'external' | null = signed.engine;
const value: string = await PrivateKey.parse('x').signAsync('content', { engine: 'node' });
console.log(ran, value, kmsClient.usesSigner);
new Client({ clientId: 'x', antomPublicKey: 'y', signer: () => Buffer.alloc(256) });
// @ts-expect-error: a signer returns bytes, not a string
new Client({ clientId: 'x', antomPublicKey: 'y', signer: () => 'signature' });
// Typed models (dist/models.d.ts, re-exported): request, response and notification bodies.
import type { Amount, PayRequest, PayResponse, NotifyPaymentRequest, AntomApiModels, AntomNotificationModels, InquiryPaymentResponse } from 'antom-core';
const usd: Amount = { currency: 'USD', value: '1050' };
const payRequest: PayRequest = {
  productCode: 'CASHIER_PAYMENT', paymentRequestId: 'r1', paymentAmount: usd, paymentRedirectUrl: 'https://example.invalid/return',
  order: { referenceOrderId: 'o1', orderDescription: 'd', orderAmount: usd, goods: [{ referenceGoodsId: 'g', goodsName: 'n' }] },
  paymentMethod: { paymentMethodType: 'ALIPAY_CN' }, env: { terminalType: 'WEB' },
  aFieldTheseModelsDoNotDescribe: { kept: true },
};
const payResponse = r.json<PayResponse>();
const resultStatus: string | undefined = payResponse.result?.resultStatus;
const normalUrl: string | undefined = payResponse.normalUrl;
const inquiry: AntomApiModels['v1/payments/inquiryPayment']['response'] = r.json<InquiryPaymentResponse>();
const firstType: string | undefined = inquiry.transactions?.[0]?.transactionType;
const pending: AntomNotificationModels['PAYMENT_PENDING'] = JSON.parse('{}') as NotifyPaymentRequest;
const paidValue: string | undefined = pending.paymentAmount?.value;
console.log(payRequest, resultStatus, normalUrl, firstType, paidValue);
// @ts-expect-error: paymentAmount.value is a string of minor units, as Antom sends it
const numeric: PayRequest = { ...payRequest, paymentAmount: { currency: 'USD', value: 1050 } };
// @ts-expect-error: paymentAmount is required in a pay request
const incomplete: PayRequest = { ...payRequest, paymentAmount: undefined };
// @ts-expect-error: normalUrl is optional: it may be undefined
const sure: string = payResponse.normalUrl;
// @ts-expect-error: what Antom sends may leave out any field, even result
const always: string = payResponse.result.resultStatus;
console.log(numeric, incomplete, sure, always);
