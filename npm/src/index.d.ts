/**
 * antom-core for Node.js: sign Antom API requests and verify Antom responses and
 * notifications. Server-only; the core has no network and no clock of its own: `client.send`
 * does the HTTP with `fetch`, or your code does it with `prepare` / `verifyResponse`.
 *
 * ```ts
 * import { Client, NOTIFICATION_ACK } from 'antom-core';
 * const client = new Client({ clientId, privateKey, antomPublicKey });
 * const request = client.prepare('v1/payments/pay', JSON.stringify(payRequest));
 * const res = await fetch(request.url, request);
 * const response = client.verifyResponse(request.path, res.headers, Buffer.from(await res.arrayBuffer()));
 * ```
 *
 * @packageDocumentation
 */

/// <reference types="node" />

import type { IncomingHttpHeaders } from 'node:http';

/** The stable error codes of antom-core. */
export type ErrorCode =
  | 'INVALID_KEY'
  | 'INVALID_INPUT'
  | 'MALFORMED_SIGNATURE'
  | 'UNSUPPORTED_ALGORITHM'
  | 'SIGNATURE_MISMATCH'
  | 'MISSING_HEADER'
  | 'CLIENT_ID_MISMATCH'
  | 'UNSIGNED_RESPONSE'
  | 'INVALID_AMOUNT'
  | 'UNSUPPORTED_CURRENCY'
  | 'SIGNING_FAILED'
  | 'UNKNOWN_KEY_VERSION'
  | 'WRONG_KEY';

/** Every {@link ErrorCode}, in the core's order. */
export declare const ERROR_CODES: readonly ErrorCode[];

/**
 * An error from antom-core. Branch on `code`, which never changes; `message` says what to fix
 * and never contains key material, signature values or bodies, so it is safe to log.
 * Wrong argument types (a number where a string is needed) throw `TypeError` instead.
 */
export declare class AntomError extends Error {
  /** The stable code, e.g. `SIGNATURE_MISMATCH`. */
  readonly code: ErrorCode;
  readonly name: 'AntomError';
  constructor(code: ErrorCode, message: string);
}

/**
 * Which implementation runs the RSA operation. `"node"` (default): `node:crypto` (OpenSSL) with
 * a `KeyObject` created once per key — antom-core still parses the keys, builds what is signed
 * and applies every verification rule. `"wasm"`: pure WebAssembly (20-35x slower for signing;
 * each signature blocks the event loop for 6-10 ms).
 */
export type Engine = 'node' | 'wasm';

/** Per-call options of the key methods. */
export interface EngineOptions {
  /** Default `"node"`. */
  engine?: Engine;
  /**
   * Default `true`: when `node:crypto` refuses a key antom-core accepted (or fails at run time),
   * the operation runs on the WebAssembly engine instead. `false`: that refusal is an
   * {@link AntomError} (`INVALID_KEY`, or `SIGNING_FAILED` for a failed signature), never a
   * switch and never a successful verification.
   */
  engineFallback?: boolean;
}

/** Raw bytes: a `Buffer`, a `Uint8Array` (or other view / `ArrayBuffer`), or a string sent as UTF-8. */
export type Bytes = Buffer | Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * Received headers, exactly as your framework gives them: Node's `req.headers`
 * (`IncomingHttpHeaders`), `req.rawHeaders` (flat `[name, value, ...]`), a fetch `Headers`, or
 * `[name, value]` pairs. Names match case-insensitively; a repeated signature header is refused.
 */
export type HeadersInput =
  | IncomingHttpHeaders
  | Headers
  | Iterable<readonly [string, string]>
  | ReadonlyArray<readonly [string, string]>
  | readonly string[]
  | Record<string, string | string[] | undefined>;

/**
 * A merchant's RSA private key. Accepts the Antom Dashboard form (one-line base64 PKCS#8),
 * PEM (`PRIVATE KEY`, `RSA PRIVATE KEY`) and base64 PKCS#1 via {@link PrivateKey.parse}, or DER
 * via {@link PrivateKey.fromDer}. It cannot be read back out; `toString()` prints only its size.
 */
export declare class PrivateKey {
  private constructor();
  /**
   * Parses key text. @throws {AntomError} `INVALID_KEY` (empty, not base64/PEM, encrypted, not
   * RSA, a public key, or smaller than 2048 bits; the message says which).
   */
  static parse(text: string): PrivateKey;
  /** Parses PKCS#8 or PKCS#1 DER. @throws {AntomError} `INVALID_KEY`. */
  static fromDer(der: Uint8Array | ArrayBuffer | ArrayBufferView): PrivateKey;
  /** Modulus size in bits. */
  readonly bits: number;
  /** The public half (what you upload to the Antom Dashboard). */
  publicKey(): PublicKey;
  /**
   * Signs `content` (usually from {@link contentToSign}): RSASSA-PKCS1-v1_5 / SHA-256,
   * returned percent-encoded as it goes after `signature=`.
   * @throws {AntomError} `SIGNING_FAILED` only if the platform has no randomness.
   */
  sign(content: string | Uint8Array, options?: EngineOptions): string;
  /**
   * As {@link PrivateKey.sign}, with the RSA operation on node:crypto's thread pool
   * (`crypto.sign`'s callback form), off the event loop: resolves to the same value as `sign`.
   * With `engine: "wasm"`, or a key node:crypto refuses, it signs as `sign` does (on the event
   * loop). @throws {AntomError} `SIGNING_FAILED` when node:crypto fails and `engineFallback` is false.
   */
  signAsync(content: string | Uint8Array, options?: EngineOptions): Promise<string>;
  /** Releases the WebAssembly memory now (otherwise a FinalizationRegistry does it after GC). */
  free(): void;
  [Symbol.dispose](): void;
  /** `PrivateKey(RSA-2048, <redacted>)`. */
  toString(): string;
  toJSON(): string;
}

/**
 * An RSA public key: Antom's (to verify responses and notifications) or your own. Accepts the
 * Dashboard form (base64 SubjectPublicKeyInfo), PEM (`PUBLIC KEY`, `RSA PUBLIC KEY`) and base64
 * PKCS#1.
 */
export declare class PublicKey {
  private constructor();
  /** @throws {AntomError} `INVALID_KEY` (including keys outside 2048..4096 bits). */
  static parse(text: string): PublicKey;
  /** SubjectPublicKeyInfo or PKCS#1 DER. @throws {AntomError} `INVALID_KEY`. */
  static fromDer(der: Uint8Array | ArrayBuffer | ArrayBufferView): PublicKey;
  /** Modulus size in bits. */
  readonly bits: number;
  /** SubjectPublicKeyInfo DER. */
  toDer(): Buffer;
  /** The Dashboard form: one-line base64 of the SPKI DER. */
  toBase64(): string;
  /** `sha256:` and the first 16 hex digits of SHA-256 over the SPKI DER: safe to log, stable. */
  fingerprint(): string;
  /** Same key. */
  equals(other: PublicKey): boolean;
  /**
   * Checks `signature` (the value after `signature=`, percent-encoded or raw base64) over
   * `content`. A well-formed signature that does not match returns `false`.
   * @throws {AntomError} `MALFORMED_SIGNATURE` (bad encoding, or not exactly the key's size).
   */
  verify(content: string | Uint8Array, signature: string, options?: EngineOptions): boolean;
  free(): void;
  [Symbol.dispose](): void;
  /** `PublicKey(RSA-2048, sha256:...)`. */
  toString(): string;
  /** The Dashboard form. */
  toJSON(): string;
}

/** Antom regions; each has its own gateway. */
export type Region = 'asia' | 'north_america' | 'europe';

/** Keys, client ids and the Antom public key differ between the two. */
export type Environment = 'sandbox' | 'production';

/**
 * What an external signer (AWS KMS, Google Cloud KMS, Azure Key Vault, an HSM) is asked to sign:
 * RSASSA-PKCS1-v1_5 with SHA-256 over `message`, or, for services that take a digest, over
 * `digest` (the same signature: PKCS#1 v1.5 is deterministic).
 */
export interface SigningRequest {
  /** Exactly the bytes to sign: `POST path\nclientId.requestTime.body` (AWS KMS `RAW` takes up to 4096 bytes). */
  message: Uint8Array;
  /** SHA-256 of `message` (AWS KMS `MessageType: "DIGEST"`; Google Cloud KMS `digest.sha256`). */
  digest: Uint8Array;
}

/**
 * Signs a request with a key held outside the process: returns the raw signature bytes (a
 * `Buffer` or `Uint8Array`, the modulus size: 256 bytes for RSA-2048), or a Promise of them.
 * Throwing, rejecting, or returning anything else makes `prepareAsync` reject with
 * `SIGNING_FAILED` (the thrown error is the `cause`).
 */
export type Signer = (request: SigningRequest) => Uint8Array | Promise<Uint8Array>;

/**
 * Everything a {@link Client} needs. Pass one of `privateKey`, `apiKey` or `signer`; with none,
 * the client is verify-only: it verifies responses and notifications (a webhook receiver that
 * should never hold the private key) and `prepare()` throws `INVALID_INPUT`.
 */
export interface ClientOptions {
  /** Your client id from the Antom Dashboard (`SANDBOX_...` for test mode). */
  clientId: string;
  /** Your RSA private key (text as the Dashboard shows it, or a parsed {@link PrivateKey}). */
  privateKey?: string | PrivateKey;
  /**
   * An Antom API key (`isak_TEST_...`), sent as `Authorization: Bearer`. Notifications stay
   * RSA-signed, and an unsigned `S` response is refused (`UNSIGNED_RESPONSE`).
   */
  apiKey?: string;
  /**
   * An external signer (a KMS or an HSM): the private key never enters the process. Requests
   * are prepared with {@link Client.prepareAsync}; `prepare()` throws `INVALID_INPUT`.
   */
  signer?: Signer;
  /**
   * With `signer`: the external key's public half. Every signature is then verified before a
   * request is handed out, so a wrong key id or algorithm fails at once with `SIGNING_FAILED`,
   * not later at Antom. Without it only the signature's length (256 to 1024 bytes) is checked.
   */
  merchantPublicKey?: string | PublicKey;
  /**
   * Antom's public key for the same environment (one untagged key). Give this or
   * `antomPublicKeys`. A key equal to your own public key is refused with `WRONG_KEY`.
   */
  antomPublicKey?: string | PublicKey;
  /**
   * Antom's public keys as a key ring, for a rotation: up to {@link MAX_RING_KEYS}, each a key
   * or `{ key, keyVersion }`. A message whose `Signature` names a keyVersion is verified with
   * the key tagged with it only (else with the untagged keys, in order; none:
   * `UNKNOWN_KEY_VERSION`); one without a keyVersion with every key, in order.
   */
  antomPublicKeys?: ReadonlyArray<AntomKeyInput>;
  /** Default `"asia"`. */
  region?: Region;
  /** Default: the API key's marker, else sandbox exactly when `clientId` starts with `SANDBOX_`. */
  environment?: Environment;
  /** Overrides the region's gateway: `https://host[:port]`, or `http://` for loopback only. */
  gatewayUrl?: string;
  /** The `keyVersion` sent in the `Signature` header. Default 1. */
  keyVersion?: number;
  /** An ISV agent token, sent as `Agent-Token` (RSA mode only). */
  agentToken?: string;
  /** Default `"node"`; see {@link Engine}. */
  engine?: Engine;
  /** Default `true`; see {@link EngineOptions.engineFallback}. Each result's `engine` says which ran. */
  engineFallback?: boolean;
  /**
   * The largest request, response or notification body accepted, in bytes (default
   * {@link DEFAULT_MAX_BODY_BYTES}, 4 MiB). A larger body is refused (`INVALID_INPUT`) from its
   * length alone, before it is copied into WebAssembly memory.
   */
  maxBodyBytes?: number;
}

/**
 * A request ready for `fetch(request.url, request)`: send exactly these bytes and headers.
 * `toString()`, `util.inspect` and `toJSON()` show `Authorization` / `Agent-Token` as
 * `<redacted>` and the body as `<N bytes>` (the core's redaction rule).
 */
export declare class PreparedRequest {
  private constructor();
  /** Always `POST`. */
  method: 'POST';
  /** Gateway origin plus `path`. */
  url: string;
  /** The path that was signed; pass it to {@link Client.verifyResponse}. */
  path: string;
  /** `Content-Type`, `Client-Id`, `Request-Time`, `Signature` (+ `Agent-Token`), in order. */
  headers: Record<string, string>;
  /** The body exactly as signed. Do not re-serialise it. */
  body: string;
  /**
   * The engine that signed: `"wasm"` also when `node:crypto` refused and the fallback ran;
   * `"external"` for the client's `signer`; `null` in API-key mode.
   */
  engine: Engine | 'external' | null;
  /** Redacted. */
  toString(): string;
  /** Redacted: what loggers that use `JSON.stringify` see. */
  toJSON(): object;
}

/**
 * `DONE`: use the response. `FAILED`: a verified `F`: handle `resultCode`. `INQUIRE`: `U`, or any
 * unverified response (an unsigned `F` can be forged): inquire or resend the identical request;
 * never ask the buyer to pay again.
 */
export type NextAction = 'DONE' | 'FAILED' | 'INQUIRE';

/** `S` success, `F` failed, `U` unknown (any unexpected value reads as `U`). */
export type ResultStatus = 'S' | 'F' | 'U';

/**
 * The state of the operation a verified message is about (the payment for pay / inquiryPayment /
 * notifyPayment, the refund for refund / inquiryRefund / notifyRefund, the capture for capture /
 * notifyCapture), decided by antom-core. `SUCCEEDED`: final and successful — for a payment, the
 * only state that proves it is paid. `FAILED`: final; this operation will not succeed (a new
 * attempt needs a new request id). `PENDING`: in progress; wait for the notification or inquire.
 * `UNKNOWN`: not known from this message (every unverified message, a `U`, a failed inquiry, a
 * transport error): inquire or resend the identical request. Never ask the buyer to pay again on
 * `PENDING` or `UNKNOWN`, and never treat a browser redirect as proof.
 */
export type Outcome = 'SUCCEEDED' | 'FAILED' | 'PENDING' | 'UNKNOWN';

/**
 * A response whose authenticity has been settled. String forms (`toString()`, `util.inspect`,
 * `toJSON()`) show the body's length only.
 */
export declare class ApiResponse {
  private constructor();
  /**
   * `true` when Antom's signature was checked; `false` only for unsigned `F`/`U` gateway errors,
   * whose `nextAction` is always `INQUIRE`.
   */
  verified: boolean;
  resultStatus: ResultStatus;
  /** `result.resultCode` (`""` if absent); branch on `resultStatus` / `nextAction` first. */
  resultCode: string;
  resultMessage: string;
  /** The core's decision: `INQUIRE` for every unverified response, whatever its status says. */
  nextAction: NextAction;
  /** `true` only for a verified `S`: the API call succeeded (see `outcome` for the money). */
  isSuccess: boolean;
  /** The core's verdict on the operation; `UNKNOWN` for every unverified response. */
  outcome: Outcome;
  /** The raw bytes that were verified: the bytes you passed (a `Buffer` over them, not a copy). */
  body: Buffer;
  /** The Antom key that verified it; `null` exactly when `verified` is `false`. */
  verifiedBy: KeyId | null;
  /** The engine that verified the signature (`"webcrypto"` from verifyResponseAsync); `null` for an unsigned response. */
  engine: Engine | 'webcrypto' | null;
  /** `JSON.parse` of `body`. */
  json<T = unknown>(): T;
  toString(): string;
  toJSON(): object;
}

/** A notification whose signature has been verified. String forms show the body's length only. */
export declare class Notification {
  private constructor();
  /** `notifyType` (or the authorization / dispute / subscription type field), e.g. `PAYMENT_RESULT`. */
  notifyType: string | null;
  resultStatus: ResultStatus | null;
  /** The `client-id` header (equal to your client id). */
  clientId: string;
  /** The `request-time` header, verbatim. */
  requestTime: string;
  /**
   * A stable key to process each notification once (`PAYMENT_RESULT:paymentId=...`, else
   * `sha256:<hex of the body>`). Antom resends until acknowledged: store the key in the same
   * transaction as the effect, and acknowledge a key already seen without processing it again.
   */
  dedupKey: string;
  /** The core's verdict on the operation notified: `SUCCEEDED` on a `PAYMENT_RESULT` `S` is payment. */
  outcome: Outcome;
  /** The raw bytes that were verified: the bytes you passed (a `Buffer` over them, not a copy). */
  body: Buffer;
  /** The Antom key that verified it (during a rotation: which key Antom signs with). */
  verifiedBy: KeyId;
  /** The engine that verified the signature (`"webcrypto"` from verifyNotificationAsync). */
  engine: Engine | 'webcrypto' | null;
  /** `JSON.parse` of `body`. */
  json<T = unknown>(): T;
  toString(): string;
  toJSON(): object;
}

/** Options of {@link Client.verifyNotification}: an opt-in replay window. */
export interface FreshnessOptions {
  /**
   * Refuse (`INVALID_INPUT`) a notification whose signed `request-time` is further than this from
   * `nowMs`, either way. Off by default: Antom retries deliveries for about a day, so keep it
   * generous and rely on `dedupKey` for idempotency.
   */
  maxAgeMs?: number | bigint;
  /** Epoch milliseconds; default `Date.now()`. Only with `maxAgeMs`. */
  nowMs?: number | bigint | Date;
}

/**
 * A configured Antom client. Only {@link Client.send} performs IO: `prepare()` gives you what to send, and
 * `verifyResponse()` / `verifyNotification()` take back the raw headers and bytes you received.
 */
export declare class Client {
  /**
   * @throws {AntomError} `INVALID_KEY` for a bad key; `INVALID_INPUT` for a bad client id,
   * region, environment, gateway URL or agent token, or an environment that contradicts the
   * API key. @throws {TypeError} for missing or wrongly typed options.
   */
  constructor(options: ClientOptions);
  readonly clientId: string;
  readonly environment: Environment;
  readonly gatewayUrl: string;
  readonly usesApiKey: boolean;
  /** Built without a credential: verifies, never prepares. */
  readonly isVerifyOnly: boolean;
  /** Built with `signer`: prepares with {@link Client.prepareAsync} only. */
  readonly usesSigner: boolean;
  /** The configured engine; each result's `engine` says which one ran. */
  readonly engine: Engine;
  /** Whether a `node:crypto` refusal falls back to the WebAssembly engine. */
  readonly engineFallback: boolean;
  /** The largest body prepared or verified, in bytes. */
  readonly maxBodyBytes: number;
  /** The key responses and notifications are verified with. */
  antomPublicKey(): PublicKey;
  /** The path requested and signed for `api` (`v1/payments/pay` → `/ams/api/v1/payments/pay`). */
  resolvePath(api: string): string;
  /**
   * Signs a request: `POST path\nclientId.requestTime.body`.
   * @param api an API path such as `v1/payments/pay` (or the full `/ams/api/...` path)
   * @param body the JSON object, serialised once (string or bytes)
   * @param requestTime epoch milliseconds; default `Date.now()`
   * @throws {AntomError} `INVALID_INPUT` for a bad path, a body that is not a JSON object, or a
   * body over `maxBodyBytes`.
   */
  prepare(api: string, body: string | Uint8Array, requestTime?: number | bigint | Date): PreparedRequest;
  /**
   * As {@link Client.prepare}, with the signature made off the event loop: on node:crypto's
   * thread pool (`crypto.sign`'s callback form) for a private key, or by the client's `signer`.
   * Resolves to the same request, byte for byte, as `prepare()` (API-key and `engine: "wasm"`
   * clients prepare as `prepare()` does).
   * @throws {AntomError} as `prepare`; `SIGNING_FAILED` when the signer throws, rejects, returns
   * no `Uint8Array`, or a signature of the wrong length or (with `merchantPublicKey`) one that
   * does not verify — never a half-built request.
   */
  prepareAsync(api: string, body: string | Uint8Array, requestTime?: number | bigint | Date): Promise<PreparedRequest>;
  /**
   * Verifies a response before anything in it is trusted. Pass the raw bytes received, never a
   * re-serialised body. A non-2xx HTTP status is yours to report: treat it like `U` (inquire).
   * An error here, after the request was sent, means "outcome unknown: inquire" — never
   * "failed", never ask the buyer to pay again.
   * @throws {AntomError} `UNSIGNED_RESPONSE`, `MISSING_HEADER`, `CLIENT_ID_MISMATCH`,
   * `MALFORMED_SIGNATURE`, `UNSUPPORTED_ALGORITHM`, `SIGNATURE_MISMATCH`, `INVALID_INPUT`.
   */
  verifyResponse(path: string, headers: HeadersInput, body: Bytes): ApiResponse;
  /**
   * Verifies a notification at your endpoint `path` (as registered with Antom, e.g.
   * `/antom/notify`) from the raw headers and raw body. Only then process it (idempotently)
   * and answer HTTP 200 with {@link NOTIFICATION_ACK}.
   * @throws {AntomError} `MISSING_HEADER`, `CLIENT_ID_MISMATCH`, `MALFORMED_SIGNATURE`,
   * `UNSUPPORTED_ALGORITHM`, `SIGNATURE_MISMATCH`, `INVALID_INPUT` (also outside the
   * `maxAgeMs` window).
   */
  verifyNotification(path: string, headers: HeadersInput, body: Bytes, options?: FreshnessOptions): Notification;
  /**
   * As {@link Client.verifyResponse}, with the RSA check on the runtime's WebCrypto
   * (`crypto.subtle`, keys imported once) and awaited; antom-core still decides everything
   * else. The result's `engine` is `"webcrypto"` (`"wasm"` with `engine: "wasm"`, or when
   * WebCrypto refused the key and the fallback ran). On workerd, `send` verifies this way.
   * @throws {AntomError} as {@link Client.verifyResponse} (the promise rejects).
   */
  verifyResponseAsync(path: string, headers: HeadersInput, body: Bytes): Promise<ApiResponse>;
  /**
   * As {@link Client.verifyNotification}, with the RSA check on WebCrypto (see
   * {@link Client.verifyResponseAsync}). On workerd, the webhook handlers verify this way.
   * @throws {AntomError} as {@link Client.verifyNotification} (the promise rejects).
   */
  verifyNotificationAsync(path: string, headers: HeadersInput, body: Bytes, options?: FreshnessOptions): Promise<Notification>;
  /**
   * Prepares (as {@link Client.prepareAsync}: off the event loop, or by the `signer`), POSTs
   * exactly the prepared bytes and headers with `fetch` (TLS verification always on; redirects
   * are not followed), reads the raw reply under `timeoutMs` and verifies it with
   * {@link Client.verifyResponse}. Never throws for a transport error, a timeout or a non-2xx
   * status: those resolve to `outcome: "UNKNOWN"` with an {@link SendError} — the request may
   * have taken effect, so inquire; never pay again.
   * @throws {AntomError} before sending, as `prepareAsync` (nothing was sent); after, when the
   * reply fails verification (`SIGNATURE_MISMATCH`, `UNSIGNED_RESPONSE`, ...) or is over
   * `maxBodyBytes` (`INVALID_INPUT`): the request may have taken effect — inquire.
   * @throws {TypeError} for wrongly typed arguments or options (nothing was sent).
   * @throws {Error} code `TLS_VERIFICATION_OFF`: an https gateway with the global fetch while
   * `NODE_TLS_REJECT_UNAUTHORIZED=0` turns certificate checks off (nothing was sent).
   */
  send(api: string, body: string | Uint8Array, options?: SendOptions): Promise<SendResult>;
  /**
   * Uploads a product image (`billing/product/uploadImage`): the core checks the size (2 MiB at
   * most; a path's size before it is read), signs the JSON part `{"productId","fileSha256"}`,
   * builds the multipart body and picks the big-file host; the reply is verified as
   * {@link Client.verifyResponse} does. Not for API-key clients.
   * @throws {AntomError} `INVALID_INPUT` (size, product id, content type) before sending; after,
   * as `verifyResponse`. A transport failure or timeout rejects with fetch's error.
   */
  uploadImage(productId: string, file: string | URL | Uint8Array | ArrayBuffer, options?: UploadOptions): Promise<ApiResponse>;
  /**
   * Inquires through {@link Client.send} (`v1/payments/inquiryPayment` with `{paymentRequestId}`,
   * or the inquiry of `options.api`, e.g. `inquiryRefund` for `v1/payments/refund`) until the
   * core says stop: a final outcome (`reason: "FINAL"`) or the deadline (`"DEADLINE_REACHED"`,
   * the outcome still `PENDING` / `UNKNOWN`: inquire again later, never ask the buyer to pay
   * again). Waits between inquiries are the core's capped, jittered backoff.
   * @throws {AntomError} as {@link Client.send} (a reply that fails verification); `INVALID_INPUT`
   * for a policy out of bounds.
   * @throws {TypeError} for wrongly typed arguments, an unknown option, or an `api` without an inquiry.
   */
  waitForOutcome(requestId: string, options?: WaitOptions): Promise<WaitResult>;
  /**
   * Uploads meter events in `sessionId` (from `meter.createSession`, sent with {@link Client.send}).
   * Antom's meter upload is unsigned both ways: the reply is never verified and never proof;
   * reconcile through the signed billing/meter inquiry APIs. Node's fetch speaks HTTP/1.1; pass
   * a fetch over an undici `Agent({ allowH2: true })` for HTTP/2.
   */
  uploadEvent(sessionId: string, body: string | Uint8Array, options?: TransferOptions): Promise<EventReply>;
  /** Releases the WebAssembly memory now (otherwise a FinalizationRegistry does it after GC). */
  free(): void;
  [Symbol.dispose](): void;
  /** The configuration without secrets. */
  toString(): string;
  toJSON(): string;
}

/** The body to answer a verified, accepted notification with (HTTP 200). */
export declare const NOTIFICATION_ACK: string;

/** The default timeout of one {@link Client.send} attempt: 30000 ms (connect, send, whole reply). */
export declare const DEFAULT_TIMEOUT_MS: number;

/** The most `retries` of the simple form: 9 (10 attempts in all). */
export declare const MAX_RETRIES: number;

/**
 * How {@link Client.send} retries; the rule is antom-core's (`decideRetry`), the same in every
 * runtime: only a transport error, a timeout or an HTTP 5xx, only a request whose API has an
 * idempotency field the body carries (or an inquiry), equal-jitter capped exponential backoff,
 * one deadline over every attempt and wait. A `U` or an exhausted send is `UNKNOWN`: inquire,
 * never pay again.
 */
export interface RetryPolicy {
  /** Attempts in all, 1 to 10 (1: no retries). Default 1. */
  readonly maxAttempts: number;
  /** The first backoff before jitter, ms (default 500); it doubles per retry. */
  readonly initialBackoffMs: number;
  /** The backoff cap before jitter, ms (default 5000, at most 60000). */
  readonly maxBackoffMs: number;
  /** The most one attempt may take, ms (default 30000, at most 600000). */
  readonly attemptTimeoutMs: number;
  /** The most the whole send may take, every attempt and wait, ms (default 60000). */
  readonly deadlineMs: number;
  /** Retry even a request without its idempotency key (it may then be performed twice). Default false. */
  readonly retryWithoutIdempotencyKey: boolean;
}

/** The core's default policy: one attempt of at most 30 s. */
export declare const DEFAULT_RETRY_POLICY: RetryPolicy;

/**
 * The complete policy from partial settings (the rest the default), checked by the core.
 * @throws {AntomError} `INVALID_INPUT` naming the bound that is not met.
 * @throws {TypeError} for a setting that is not a non-negative integer (or boolean) or unknown.
 */
export declare function retryPolicy(settings?: Partial<RetryPolicy>): RetryPolicy;

/** How {@link Client.waitForOutcome} inquires (the core's InquiryPolicy). */
export interface InquiryPolicy {
  /** The wait after the first inquiry, ms, doubled after each (default 1000). */
  readonly firstDelayMs: number;
  /** The cap on the wait between inquiries, ms (default 10000, at most 60000). */
  readonly maxDelayMs: number;
  /** The most the whole wait may take, ms (default 120000). */
  readonly deadlineMs: number;
}

/** The core's default inquiry policy: 1 s doubling to 10 s, a 120 s deadline. */
export declare const DEFAULT_INQUIRY_POLICY: InquiryPolicy;

/**
 * The complete inquiry policy from partial settings (the rest the default), checked by the core.
 * @throws {AntomError} `INVALID_INPUT` naming the bound that is not met.
 */
export declare function inquiryPolicy(settings?: Partial<InquiryPolicy>): InquiryPolicy;

/** Options of {@link Client.waitForOutcome}: the inquiry policy's settings and more. */
export interface WaitOptions extends Partial<InquiryPolicy> {
  /** The operation the request id belongs to (default `v1/payments/pay`; `v1/payments/refund` for a refund). */
  api?: string;
  /** Options of each inquiry's {@link Client.send}. */
  sendOptions?: SendOptions;
  /** Called after each inquiry with its result and the count so far. */
  onInquiry?: (result: SendResult, inquiries: number) => void;
}

/** What {@link Client.waitForOutcome} resolves to. */
export interface WaitResult {
  /** The last inquiry's outcome (`UNKNOWN` if none was made). */
  readonly outcome: Outcome;
  /** The last inquiry's verified response, if any. */
  readonly response: ApiResponse | null;
  /** Inquiries sent. */
  readonly inquiries: number;
  /** `FINAL` or `DEADLINE_REACHED`. */
  readonly reason: 'FINAL' | 'DEADLINE_REACHED';
}

/** The simple form's policy: `retries` extra attempts each with `timeoutMs`, a deadline fitting them all. */
export declare function simpleRetryPolicy(retries: number, timeoutMs: number): RetryPolicy;

/** A failed attempt, as {@link decideRetry} takes it. */
export interface AttemptFailure {
  kind: 'transport' | 'timeout' | 'http_status';
  /** The HTTP status, for `http_status`. */
  status?: number;
}

/** What follows a failed attempt. */
export interface RetryDecision {
  /** Whether to send again after `delayMs`. */
  readonly retry: boolean;
  /** The wait before the next attempt (0 when `retry` is false). */
  readonly delayMs: number;
  /** `RETRY`, or why not: `RETRIES_OFF`, `NOT_RETRYABLE`, `NO_IDEMPOTENCY_KEY`, `ATTEMPTS_EXHAUSTED`, `DEADLINE_REACHED`. */
  readonly reason: 'RETRY' | 'RETRIES_OFF' | 'NOT_RETRYABLE' | 'NO_IDEMPOTENCY_KEY' | 'ATTEMPTS_EXHAUSTED' | 'DEADLINE_REACHED';
}

/**
 * The core's decision after failed attempt `attempt` (from 1) of a request to `path` with
 * `body`, `elapsedMs` after the first attempt started (for your own HTTP loop).
 * `random`: any safe integer; default from the runtime's CSPRNG.
 */
export declare function decideRetry(
  policy: Partial<RetryPolicy>,
  attempt: { path: string; body: Bytes; attempt: number; elapsedMs?: number; failure: AttemptFailure; random?: number },
): RetryDecision;

/** The next attempt's timeout `elapsedMs` after the first started; `undefined` once the deadline has passed. */
export declare function attemptTimeoutMs(policy: Partial<RetryPolicy>, elapsedMs: number): number | undefined;

/** The OpenTelemetry span name of a send to `path`: `antom payments.pay`, `antom unknown` off the catalogue. */
export declare function spanName(path: string): string;

/**
 * `body` with every sensitive field's value (card data, account numbers, names, emails,
 * phones, tokens) replaced by `<masked>` at any depth, keys sorted; not JSON: `<N bytes>`.
 */
export declare function maskBody(body: Bytes): string;

/** Each {@link SendEvent} field with its OpenTelemetry attribute key, in attribute order. */
export declare const SEND_EVENT_ATTRIBUTES: readonly (readonly [keyof SendEvent, string])[];

/**
 * One attempt of a send (antom-core's `SendEvent`): names, numbers and codes. No header value,
 * key, signature or body, unless `includeBodies` (then masked by {@link maskBody}).
 */
export interface SendEvent {
  /** The catalogue name (`payments.pay`), `unknown` off the catalogue. */
  readonly api: string;
  readonly path: string;
  /** From 1. */
  readonly attempt: number;
  readonly durationMs: number;
  readonly httpStatus: number | null;
  readonly resultStatus: 'S' | 'F' | 'U' | null;
  readonly resultCode: string | null;
  readonly outcome: Outcome | null;
  /** `TRANSPORT_ERROR`, `TIMEOUT`, `HTTP_STATUS` or the verification error's code. */
  readonly errorCode: string | null;
  /** After a failure: `RETRY` or why not ({@link RetryDecision.reason}). */
  readonly retry: RetryDecision['reason'] | null;
  readonly retryDelayMs: number | null;
  readonly requestBodyLen: number;
  readonly responseBodyLen: number | null;
  readonly requestBody: string | null;
  readonly responseBody: string | null;
}

/** The part of an OpenTelemetry `Tracer` send uses (pass `trace.getTracer('my-app')`). */
export interface SendTracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Record<string, string | number> }): {
    addEvent(name: string, attributes?: Record<string, string | number>): unknown;
    setAttributes(attributes: Record<string, string | number>): unknown;
    setStatus(status: { code: number; message?: string }): unknown;
    end(): void;
  };
}

/** Options of {@link Client.send}. */
export interface SendOptions {
  /** Epoch milliseconds signed as `request-time`; default `Date.now()`. Retries resend the same. */
  requestTime?: number | bigint | Date;
  /** The simple form: the timeout of each attempt, in milliseconds (1 to 2147483647); default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /**
   * The simple form: extra attempts (default 0, at most 9) after a transport error, a timeout
   * or a 5xx, for idempotent requests only, with the core's backoff; each resends the
   * IDENTICAL prepared request (same bytes, headers and request-time).
   */
  retries?: number;
  /** The whole policy (not with `retries` / `timeoutMs`); missing settings are the default's. */
  retryPolicy?: Partial<RetryPolicy>;
  /** Called once per attempt; a hook that throws never changes the send (a process warning says so). */
  onEvent?: (event: SendEvent) => void;
  /** Put the bodies, masked by {@link maskBody}, in events and span events. Default false. */
  includeBodies?: boolean;
  /**
   * An OpenTelemetry tracer: one CLIENT span per send named {@link spanName}, under the active
   * context, with the last event's attributes and one span event (`antom.attempt`) per attempt.
   */
  tracer?: SendTracer;
  /**
   * A fetch implementation (your own agent, proxy or instrumentation); default the global `fetch`.
   * Its TLS settings are its own: keep certificate verification on.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Options of {@link Client.uploadEvent}. */
export interface TransferOptions {
  /** The timeout of the exchange, ms; default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** A fetch implementation; default the global `fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Options of {@link Client.uploadImage}. */
export interface UploadOptions extends TransferOptions {
  /** The part's file name; default the path's base name, or `image`. */
  fileName?: string;
  /** The image's content type; default `image/png`. */
  contentType?: string;
  /** Epoch milliseconds signed as `request-time`; default `Date.now()`. */
  requestTime?: number;
}

/** A meter event upload's reply: unsigned, so never verified and never an outcome. */
export interface EventReply {
  readonly status: number;
  /** Always false: nothing in the reply is signed. */
  readonly verified: false;
  /** Always `UNKNOWN`. */
  readonly outcome: 'UNKNOWN';
  /** `result.resultStatus` as sent (unverified). */
  readonly resultStatus: string | null;
  /** `result.resultCode` as sent (unverified). */
  readonly resultCode: string | null;
  readonly body: string;
}

/** Why {@link Client.send} has no verified reply. */
export interface SendError {
  /** `TRANSPORT_ERROR`: not sent or reply not read; `TIMEOUT`: no complete reply in time; `HTTP_STATUS`: a non-2xx status. */
  code: 'TRANSPORT_ERROR' | 'TIMEOUT' | 'HTTP_STATUS';
  /** What happened (a low-level code such as `ECONNREFUSED` at most; never a body). */
  message: string;
  /** The underlying fetch error (non-enumerable), for TRANSPORT_ERROR and TIMEOUT. */
  readonly cause?: unknown;
}

/** What {@link Client.send} resolves to. */
export interface SendResult {
  /** `response.outcome`, or `UNKNOWN` when there is no verified reply. Paid only on `SUCCEEDED`. */
  outcome: Outcome;
  /** The verified response, or `null` (then `error` says why). */
  response: ApiResponse | null;
  /** The last reply's HTTP status; `null` when none arrived. */
  httpStatus: number | null;
  /** `null` with a response. */
  error: SendError | null;
  /** How many times the request was sent (1 + the retries used). */
  attempts: number;
}

/** Options of the webhook handlers. */
export interface NotificationHandlerOptions {
  /** The client that verifies (a verify-only client is enough). */
  client: Client;
  /** The notification path as registered with Antom (what Antom signed), e.g. `/antom/notify`. */
  path: string;
  /**
   * Called with each verified notification; the 200 + {@link NOTIFICATION_ACK} is sent only after
   * it resolves. Throw (or reject) to answer 500, so that Antom delivers it again. Process
   * idempotently, keyed by `notification.dedupKey`: Antom resends until acknowledged.
   */
  onNotification: (notification: Notification) => unknown;
  /** Called with what `onNotification` threw (default: `console.error`). */
  onError?: (error: unknown) => void;
  /** An opt-in replay window, as {@link FreshnessOptions.maxAgeMs}. */
  maxAgeMs?: number | bigint;
}

/** What to answer a notification with. */
export interface NotificationReply {
  /** 200: verified and processed; 401: not verified (`body` is the error code); 500: `onNotification` threw. */
  status: 200 | 401 | 500;
  headers: Record<string, string>;
  /** {@link NOTIFICATION_ACK}, the error code, or a fixed text. */
  body: string;
  /** With 200: the verified notification. */
  notification?: Notification;
  /** With 500: what `onNotification` threw. */
  error?: unknown;
}

/**
 * The framework-agnostic receiver: verifies the raw `body` with `headers` at `options.path`,
 * awaits `options.onNotification`, and resolves to the answer to send.
 * @throws {TypeError} for bad options or arguments (never for a forged notification: that is 401).
 */
export declare function handleNotification(
  options: NotificationHandlerOptions,
  headers: HeadersInput,
  body: Bytes,
): Promise<NotificationReply>;

/** The parts of an Express request and response the handler uses. */
export interface ExpressLikeRequest {
  headers: IncomingHttpHeaders;
  body?: unknown;
}
export interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  set(headers: Record<string, string>): ExpressLikeResponse;
  end(body: string): unknown;
}

/**
 * An Express handler: `app.post('/antom/notify', express.raw({ type: '*\/*' }), expressNotificationHandler(options))`.
 * Passes a `TypeError` to `next` when `req.body` is not the raw Buffer (a JSON parser ran first).
 */
export declare function expressNotificationHandler(
  options: NotificationHandlerOptions,
): (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (error?: unknown) => void) => void;

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyLikeInstance {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer' },
    parser: (request: any, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(url: string, handler: (request: any, reply: any) => Promise<unknown>): unknown;
}

/**
 * A Fastify plugin: `fastify.register(fastifyNotificationPlugin(options))`. Encapsulated: its one
 * POST route (`url`, default `path`) keeps bodies as raw Buffers; other routes keep their parsers.
 */
export declare function fastifyNotificationPlugin(
  options: NotificationHandlerOptions & { url?: string },
): (fastify: FastifyLikeInstance) => Promise<void>;

/**
 * A web-standard handler (Next.js route handlers, Hono's `c.req.raw`): reads the body once as
 * bytes and answers with a `Response`. A `Content-Length` over `maxBodyBytes` is 401 unread.
 */
export declare function webNotificationHandler(options: NotificationHandlerOptions): (request: Request) => Promise<Response>;

/** The default {@link ClientOptions.maxBodyBytes}: 4 MiB. */
export declare const DEFAULT_MAX_BODY_BYTES: number;

/** antom-core's own RSA engine in this build (`engine: "wasm"`): `"rsa-0.10"`. */
export declare const WASM_ENGINE: string;

/** The core's redaction rule: `"<redacted>"` for `Authorization`, `Agent-Token`, `Cookie`; else `value`. */
export declare function redactHeader(name: string, value: string): string;

/** The core's description of a body: `"<N bytes>"`. */
export declare function describeBody(body: Bytes): string;

/** Exactly `"{method} {path}\n{clientId}.{time}.{body}"`, the string that is signed. */
export declare function contentToSign(
  method: string,
  path: string,
  clientId: string,
  time: string | number | bigint,
  body: string,
): string;

/** A parsed `Signature` header. */
export interface SignatureHeader {
  algorithm: 'RSA256';
  keyVersion: number | null;
  /** The `signature` item as written (normally percent-encoded base64). */
  signature: string;
}

/**
 * Parses a `Signature` header value (spaces, any order and unknown items tolerated).
 * @throws {AntomError} `MALFORMED_SIGNATURE`, `UNSUPPORTED_ALGORITHM`.
 */
export declare function parseSignatureHeader(value: string): SignatureHeader;

/** `algorithm=RSA256,keyVersion=N,signature=...` (the compact form every SDK sends). */
export declare function formatSignatureHeader(keyVersion: number, signature: string): string;

/**
 * The `Signature` header value for `POST path\nclientId.time.body` signed with `privateKey`:
 * what the sender of a request, response or notification attaches. For simulators and tests
 * that play Antom's side; a merchant integration needs only {@link Client.prepare}.
 * @throws {AntomError} `INVALID_KEY` (key text), `SIGNING_FAILED`.
 */
export declare function signatureHeader(
  privateKey: string | PrivateKey,
  path: string,
  clientId: string,
  time: string | number | bigint,
  body: Bytes,
  keyVersion: number,
): string;

/** One key of a key ring: a key alone (untagged) or with the `keyVersion` Antom signs with. */
export type AntomKeyInput = string | PublicKey | { key: string | PublicKey; keyVersion?: number };

/** Which key verified a message: its keyVersion tag in the ring (`null` when untagged) and fingerprint. */
export interface KeyId {
  keyVersion: number | null;
  /** `sha256:` and 16 hex digits of SHA-256 over the key's SPKI DER; safe to log. */
  fingerprint: string;
}

/** The most keys a key ring holds (4): the most RSA checks one message costs. */
export declare const MAX_RING_KEYS: number;

/**
 * Which key of a ring verifies a signed message (a notification or request with `request-time`,
 * or a response with `response-time`), by the ring rule: finds a wrong key (the sandbox key on a
 * live client) in one call. Client ids are not compared.
 * @throws {AntomError} `INVALID_KEY` (bad ring), `MISSING_HEADER`, `MALFORMED_SIGNATURE`,
 * `UNKNOWN_KEY_VERSION`, `SIGNATURE_MISMATCH` (naming the keys tried by fingerprint).
 */
export declare function whichKey(
  antomPublicKeys: AntomKeyInput | ReadonlyArray<AntomKeyInput>,
  path: string,
  headers: HeadersInput,
  body: Bytes,
): KeyId;

/** What {@link verifyRequest} read from a verified request or notification. */
export interface VerifiedRequest {
  /** The `client-id` header: compare it yourself. */
  clientId: string;
  /** The `request-time` header, verbatim. */
  time: string;
  keyVersion: number | null;
}

/**
 * Verifies a signed request or notification as its receiver does (Antom's view of a merchant
 * request, or a test harness): `signature`, `request-time` and `client-id` are required and the
 * signature must verify over `POST path\nclient-id.request-time.body`. It does not check which
 * client id signed; {@link Client.verifyNotification} does. Runs on the WebAssembly engine.
 * @throws {AntomError} `MISSING_HEADER`, `MALFORMED_SIGNATURE`, `UNSUPPORTED_ALGORITHM`,
 * `SIGNATURE_MISMATCH`, `INVALID_INPUT`.
 */
export declare function verifyRequest(
  publicKey: string | PublicKey,
  path: string,
  headers: HeadersInput,
  body: Bytes,
): VerifiedRequest;

/**
 * `("10.50", "USD")` → `"1050"`. Never rounds.
 * @throws {AntomError} `INVALID_AMOUNT`, `UNSUPPORTED_CURRENCY`.
 */
export declare function toMinorUnits(amount: string, currency: string): string;

/**
 * `("1050", "USD")` → `"10.50"`.
 * @throws {AntomError} `INVALID_AMOUNT`, `UNSUPPORTED_CURRENCY`.
 */
export declare function fromMinorUnits(value: string, currency: string): string;

/** ISO 4217 minor-unit exponent (`USD` → 2, `JPY` → 0). @throws {AntomError} `UNSUPPORTED_CURRENCY`. */
export declare function minorUnitExponent(currency: string): number;

/** An entry of the endpoint catalogue (paths from the official SDKs). */
export interface Endpoint {
  /** e.g. `payments.inquiryPayment`. */
  readonly name: string;
  /** e.g. `payments`. */
  readonly group: string;
  /** e.g. `/ams/api/v1/payments/inquiryPayment`. */
  readonly path: string;
}

/** Looks an endpoint up by name; `undefined` when unknown. */
export declare function endpoint(name: string): Endpoint | undefined;

/** The whole catalogue. */
export declare function endpoints(): readonly Endpoint[];

/**
 * Typed Antom request, response and notification bodies (`PayRequest`, `PayResponse`,
 * `NotifyPaymentRequest`...), generated from crates/antom-models/schema/models.json:
 * `response.json<PayResponse>()`, `notification.json<NotifyPaymentRequest>()`.
 */
export * from './models.js';
