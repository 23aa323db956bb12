// ES module entry of antom-core/dedup: the same instance as the CommonJS one.
import dedup from './dedup.cjs';

export const {
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
} = dedup;
export default dedup;
