// Types of antom-core/dedup: exactly-once processing of verified notifications and a typed
// dispatcher. The decisions are antom-core's (antom_core::dedup).
import type { Client, Notification } from './index.js';
import type { NotifyCaptureRequest, NotifyPaymentRequest, NotifyRefundRequest } from './models.js';

/** What a store reports when asked to claim a key. */
export type ClaimOutcome = 'CLAIMED' | 'ALREADY_DONE' | 'IN_PROGRESS' | 'STORE_UNAVAILABLE';

/** A store's answer to `claim`: the fencing `token` when CLAIMED, else null. */
export interface Claim {
  key: string;
  outcome: ClaimOutcome;
  token: string | null;
}

/** Where claims and completions live; concurrency is the database's (a unique key, SET NX). */
export interface DedupStore<Tx = unknown> {
  /** Claims `key` for `leaseMs` in one atomic step: CLAIMED (new, or an expired claim taken
   * over), ALREADY_DONE or IN_PROGRESS. Rejects when the store cannot answer. */
  claim(key: string, leaseMs: number): Promise<Claim> | Claim;
  /** Runs `effect(tx)` and records the claim's completion, fenced by its token, in the same
   * transaction where the store allows it. Rejects with ClaimLostError when the claim was taken over. */
  complete<T>(claim: Claim, effect: (tx: Tx) => Promise<T> | T): Promise<T>;
  /** Deletes the claim if it is still this one (after a failed effect). */
  release(claim: Claim): Promise<void> | void;
}

/** The answer to give Antom: 200 + NOTIFICATION_ACK, or 500 + the reason code. */
export interface DedupAnswer {
  readonly status: 200 | 500;
  readonly body: string;
  /** PROCESSED, DUPLICATE, IN_PROGRESS, STORE_UNAVAILABLE, CALLBACK_FAILED or COMPLETION_FAILED. */
  readonly reason: string;
  readonly release: boolean;
}

export interface ProcessOnceOptions {
  /** How long the claim holds, ms (default 60000; 1000 to 3600000). */
  leaseMs?: number;
  /** A claim slower than this counts as STORE_UNAVAILABLE (default 5000 ms). */
  claimTimeoutMs?: number;
  /** Gets the effect's error (default: console.error). */
  onError?: (error: unknown) => void;
}

/** Runs `effect` at most once per `notification.dedupKey` and resolves to the core's answer. */
export function processOnce<Tx>(
  store: DedupStore<Tx>,
  notification: Notification,
  effect: (notification: Notification, tx: Tx) => unknown,
  options?: ProcessOnceOptions,
): Promise<DedupAnswer>;

/** The body type a handler of each known notifyType gets. */
export interface NotificationBodies {
  PAYMENT_RESULT: NotifyPaymentRequest;
  PAYMENT_PENDING: NotifyPaymentRequest;
  CAPTURE_RESULT: NotifyCaptureRequest;
  REFUND_RESULT: NotifyRefundRequest;
}

export interface Delivery<Body = Record<string, unknown>, Tx = unknown> {
  /** The verified body, parsed (JSON). */
  body: Body;
  /** The store's transaction (a pg client, the node:sqlite database; null for Redis or no store). */
  tx: Tx;
  notifyType: string | null;
}

export type Handler<Body = Record<string, unknown>, Tx = unknown> = (
  notification: Notification,
  delivery: Delivery<Body, Tx>,
) => unknown;

export type Handlers<Tx = unknown> = { [T in keyof NotificationBodies]?: Handler<NotificationBodies[T], Tx> } & {
  [notifyType: string]: Handler<any, Tx> | undefined;
};

export interface DispatcherOptions<Tx = unknown> {
  client: Client;
  path: string;
  /** Without a store the handler runs on every delivery. */
  store?: DedupStore<Tx> | null;
  handlers?: Handlers<Tx>;
  /** Any other notifyType; without it those are acknowledged (and logged by type). */
  fallback?: Handler<Record<string, unknown>, Tx>;
  leaseMs?: number;
  claimTimeoutMs?: number;
  maxAgeMs?: number;
  onError?: (error: unknown) => void;
}

/** Webhook options for handleNotification and the framework adapters, plus `handle`. */
export interface Dispatcher {
  readonly client: Client;
  readonly path: string;
  readonly maxAgeMs?: number;
  onNotification(notification: Notification): Promise<unknown>;
  onError(error: unknown): void;
  handle(
    headers: unknown,
    body: Uint8Array | string,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }>;
}

export function dispatcher<Tx = unknown>(options: DispatcherOptions<Tx>): Dispatcher;

export function leaseMs(requested?: number): number;
export function claimExpired(claimedAtMs: number, leaseMs: number, nowMs: number): boolean;
export function newToken(): string;
export function sqliteAvailable(): boolean;

export class ClaimLostError extends Error {}

export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null; rows: any[] }>;
  connect(): Promise<any>;
}

export class PostgresStore implements DedupStore<any> {
  constructor(options: { pool?: PgPoolLike; connectionString?: string; table?: string });
  createTable(): Promise<void>;
  claim(key: string, leaseMs: number): Promise<Claim>;
  complete<T>(claim: Claim, effect: (tx: any) => Promise<T> | T): Promise<T>;
  release(claim: Claim): Promise<void>;
  state(key: string): Promise<'claimed' | 'done' | null>;
  close(): Promise<void>;
}

export class RedisStore implements DedupStore<null> {
  constructor(options: { client?: unknown; url?: string; prefix?: string; doneTtlMs?: number });
  connect(): Promise<void>;
  claim(key: string, leaseMs: number): Promise<Claim>;
  complete<T>(claim: Claim, effect: (tx: null) => Promise<T> | T): Promise<T>;
  release(claim: Claim): Promise<void>;
  state(key: string): Promise<'claimed' | 'done' | null>;
  close(): Promise<void>;
}

export class SQLiteStore implements DedupStore<any> {
  /** Throws (code ERR_ANTOM_NO_SQLITE) on a Node.js without node:sqlite. */
  constructor(pathOrOptions: string | { path?: string; database?: unknown; table?: string; busyTimeoutMs?: number });
  createTable(): Promise<void>;
  claim(key: string, leaseMs: number): Promise<Claim>;
  complete<T>(claim: Claim, effect: (tx: any) => Promise<T> | T): Promise<T>;
  release(claim: Claim): Promise<void>;
  state(key: string): Promise<'claimed' | 'done' | null>;
  close(): Promise<void>;
}

export const CLAIM_OUTCOMES: readonly ClaimOutcome[];
export const LEASE_BOUNDS: { readonly defaultMs: number; readonly minMs: number; readonly maxMs: number };
export const INVALID_MODEL: 'INVALID_MODEL';
export const WEBHOOK_ANSWER: unique symbol;
