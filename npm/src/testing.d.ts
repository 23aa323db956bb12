// antom-core/testing: a testing kit for your own unit tests (no network, no simulator).
import type { Client, ClientOptions } from './index';

/** The client id a TestKit uses unless told otherwise (Antom's documented example). */
export declare const DEFAULT_CLIENT_ID: string;
/** The notification path a TestKit signs for unless told otherwise. */
export declare const DEFAULT_NOTIFY_PATH: string;

/** `{ "field.path": value }` (values written as JSON) or `["field=value", ...]` (the core's rule). */
export type Overrides = Record<string, unknown> | readonly string[] | string;

/** Body bytes or text. */
export type BodyInput = string | Uint8Array | ArrayBuffer;

/** One notification type of the catalogue. */
export interface NotificationType {
  /** The body model's name (`NotifyRefundRequest`). */
  readonly body: string;
  /** The field that tells the types apart (`notifyType`...), or null. */
  readonly field: string | null;
  /** Its known values (`REFUND_RESULT`); the first is the default. */
  readonly values: readonly string[];
}

/** A message signed "by Antom". */
export interface SignedMessage {
  /** The headers, lower-case names. */
  headers: Record<string, string>;
  /** The body bytes that were signed. */
  body: Buffer;
}

/** One scripted answer of a fake fetch. */
export type FakeAnswer =
  | 'S'
  | 'U'
  | 'F'
  | 'hang'
  | number
  | Error
  | { status?: 'S' | 'U' | 'F'; overrides?: Overrides; body?: BodyInput; httpStatus?: number };

/** A request the fake fetch received. */
export interface FakeRequest {
  url: string;
  path: string;
  api: string | null;
  headers: Record<string, string>;
  body: Buffer;
  /** Whether its signature verified with the kit's merchant key. */
  signed: boolean;
}

/** A fetch-compatible function for `client.send(api, body, { fetch })`. */
export interface FakeFetch {
  (url: string | URL, init?: RequestInit): Promise<Response>;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
}

/** Fresh, throw-away RSA-2048 keys (an "Antom" pair and a merchant pair) and Antom's messages signed with them. */
export declare class TestKit {
  constructor(options?: { clientId?: string; notifyPath?: string; keyVersion?: number });
  readonly clientId: string;
  readonly notifyPath: string;
  readonly keyVersion: number;
  /** The test "Antom" public key, one-line base64. */
  readonly antomPublicKey: string;
  /** The test merchant public key, one-line base64. */
  readonly merchantPublicKey: string;
  /** The TEST-ONLY merchant private key, one-line base64 PKCS#8. */
  testOnlyMerchantPrivateKeyText(): string;
  /** A Client with the kit's client id, merchant key and "Antom" public key. */
  client(options?: Partial<ClientOptions>): Client;
  /** Every notification type of the catalogue. */
  static notificationTypes(): NotificationType[];
  /** An unsigned sample notification body of `type`, with overrides. */
  sampleNotification(type: string, overrides?: Overrides, options?: { idPrefix?: string; time?: string }): Buffer;
  /** Antom's headers for a notification body. */
  signNotification(body: BodyInput, options?: { path?: string; requestTime?: number; keyVersion?: number }): Record<string, string>;
  /** A signed notification of `type` (or of `options.body`). */
  notification(
    type: string,
    overrides?: Overrides,
    options?: { path?: string; requestTime?: number; body?: BodyInput; idPrefix?: string },
  ): SignedMessage;
  /** The body of `api`'s reply with `result.resultStatus` `status`, with overrides. */
  sampleResponse(api: string, status?: 'S' | 'U' | 'F', overrides?: Overrides): Buffer;
  /** Antom's reply headers for `body` answering a request sent to `path`. */
  signResponse(path: string, body: BodyInput, options?: { responseTime?: number; keyVersion?: number }): Record<string, string>;
  /** A signed reply of `api`. */
  response(api: string, options?: { body?: BodyInput; status?: 'S' | 'U' | 'F'; overrides?: Overrides; path?: string }): SignedMessage;
  /** Checks a request's signature with the test merchant key; returns its client id. */
  verifyRequest(path: string, headers: Record<string, string> | Iterable<readonly [string, string]>, body: BodyInput): string;
  /** A fake gateway as a fetch function, answering per API from `script`. */
  fakeFetch(script?: Record<string, FakeAnswer | FakeAnswer[]>, options?: { default?: FakeAnswer }): FakeFetch;
}
