'use strict';
// client.waitForOutcome(): inquire until the outcome is final or a deadline passes, for the
// flows where no notification arrives (Antom's sandbox does not resend an unacknowledged
// notification). Which API to inquire, its body, when to inquire again (capped equal-jitter
// backoff) and when to stop are the core's decisions (`inquiryPath`, `inquiryBody`,
// `nextInquiry`); the outcome of each inquiry is the core's verified outcome. This file keeps
// time, sleeps and sends through client.send: no rule of its own. It never pays again.

const wasm = require('./antom_wasm.js');

// The policy's fields, in the order of the core's InquiryPolicy (and of the wasm constructor).
const POLICY_FIELDS = ['firstDelayMs', 'maxDelayMs', 'deadlineMs'];
const OPTION_FIELDS = [...POLICY_FIELDS, 'api', 'sendOptions', 'onInquiry'];

/** A wasm inquiry policy's settings as a frozen plain object. */
function policyObject(policy) {
  return Object.freeze(Object.fromEntries(POLICY_FIELDS.map((name) => [name, policy[name]])));
}

/** The wasm InquiryPolicy of plain settings (missing ones from the default), checked by the core. */
function wasmPolicy(settings) {
  const base = wasm.defaultInquiryPolicy();
  const values = POLICY_FIELDS.map((name) => {
    const value = settings[name] ?? base[name];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`waitForOutcome: ${name} must be a non-negative integer`);
    }
    return value;
  });
  const policy = new wasm.InquiryPolicy(...values);
  policy.check(); // AntomError INVALID_INPUT naming the bound that is not met
  return policy;
}

/**
 * `inquiryPolicy(settings)`: the complete, checked policy (a frozen plain object) from partial
 * settings `{ firstDelayMs, maxDelayMs, deadlineMs }`; what is not given is the core's default
 * (1 s doubling to 10 s, a 120 s deadline).
 */
function inquiryPolicy(settings = {}) {
  if (settings === null || typeof settings !== 'object') throw new TypeError('inquiryPolicy settings must be an object');
  return policyObject(wasmPolicy(settings));
}

/** A uniformly random safe integer (53 bits) from the runtime's CSPRNG: picks the jitter. */
function randomSafeInteger() {
  const [high, low] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return (high & 0x1fffff) * 0x1_0000_0000 + low;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Inquires about the operation `requestId` names until its outcome is final or the deadline.
 * `options`: `{ firstDelayMs, maxDelayMs, deadlineMs }` (the core's InquiryPolicy), `api` (the
 * operation: 'v1/payments/pay' by default, 'v1/payments/refund' for a refund), `sendOptions`
 * (passed to each client.send), `onInquiry(result, inquiries)` (called after each inquiry).
 * Resolves to `{ outcome, response, inquiries, reason }`: reason `FINAL` (outcome `SUCCEEDED` or
 * `FAILED`) or `DEADLINE_REACHED` (still `PENDING` / `UNKNOWN`: inquire again later, never ask
 * the buyer to pay again). A reply that fails verification throws, as client.send does.
 */
async function waitForOutcome(client, requestId, options = {}) {
  if (typeof requestId !== 'string' || requestId.length === 0) {
    throw new TypeError('waitForOutcome: requestId must be a non-empty string');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('waitForOutcome: options must be an object');
  for (const name of Object.keys(options)) {
    if (!OPTION_FIELDS.includes(name)) throw new TypeError(`waitForOutcome has no option ${name}`);
  }
  const api = options.api ?? 'v1/payments/pay';
  const path = wasm.inquiryPath(api);
  if (path === undefined) throw new TypeError(`waitForOutcome: the core knows no inquiry for ${api}`);
  const body = wasm.inquiryBody(api, requestId);
  const policy = wasmPolicy(options);
  const onInquiry = options.onInquiry;
  if (onInquiry !== undefined && typeof onInquiry !== 'function') throw new TypeError('waitForOutcome: onInquiry must be a function');

  const started = performance.now();
  const elapsedMs = () => Math.floor(performance.now() - started);
  let inquiries = 0;
  let outcome;
  let response = null;
  for (;;) {
    const decision = wasm.nextInquiry(policy, inquiries, elapsedMs(), outcome, randomSafeInteger());
    if (!decision.inquireAgain) {
      return { outcome: outcome ?? 'UNKNOWN', response, inquiries, reason: decision.reason };
    }
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    const result = await client.send(path, body, options.sendOptions);
    inquiries += 1;
    outcome = result.outcome;
    response = result.response;
    if (onInquiry) onInquiry(result, inquiries);
  }
}

module.exports = {
  waitForOutcome,
  inquiryPolicy,
  DEFAULT_INQUIRY_POLICY: policyObject(wasm.defaultInquiryPolicy()),
};
