package antom.core.dedup

import org.apache.commons.pool2.impl.GenericObjectPoolConfig
import redis.clients.jedis.Connection as JedisConnection
import redis.clients.jedis.DefaultJedisClientConfig
import redis.clients.jedis.HostAndPort
import redis.clients.jedis.RedisClient
import redis.clients.jedis.UnifiedJedis
import java.time.Duration

/**
 * Claims and done markers in Redis through Jedis (not a dependency of this jar: bring
 * `redis.clients:jedis`): one string per `dedupKey` under [prefix].
 *
 * * [claim]: `SET key claimed:<token> NX PX lease` in a Lua script that also reads what is
 *   there when the key exists (`done`, or another's claim). An expired claim has vanished
 *   (its `PX`), so the next `SET NX` takes it over.
 * * [complete]: a script checks the claim is still this one (else [ClaimLostException], and
 *   the effect does not run), your effect runs (with `null`: no transaction), then a script
 *   replaces this claim, and only this one, with `done` (else [ClaimLostException]).
 * * [release]: deletes the claim if it is still this one.
 *
 * **Redis cannot share a transaction with your effect.** If the completion cannot be recorded
 * after the effect ran (Redis went away, the process died in between, the lease expired
 * during the effect), the redelivery runs the effect again. Make the effect idempotent by key
 * on its own side (a unique constraint on the `dedupKey` where it writes), or use
 * [JdbcDedupStore], where effect and completion commit together.
 *
 * [redis]: your client (a [RedisClient], or any [UnifiedJedis]); [doneTtlMs]: how long a done
 * marker is kept (`null`: forever; else at least a day, as Antom redelivers for about a day).
 * Thread-safe (Jedis' pooled clients are).
 */
class RedisDedupStore @JvmOverloads constructor(
    private val redis: UnifiedJedis,
    /** The prefix of every key this store writes. */
    val prefix: String = "antom:dedup:",
    /** How long a done marker is kept, in ms; `null`: forever. */
    val doneTtlMs: Long? = null,
) : DedupStore, AutoCloseable {
    init {
        require(doneTtlMs == null || doneTtlMs >= 86_400_000L) { "doneTtlMs must be at least one day (86400000), or null" }
    }

    /** The prefix only: never the server's address or credentials. */
    override fun toString(): String = "RedisDedupStore(prefix=$prefix)"

    private fun key(key: String) = prefix + key

    private fun eval(script: String, key: String, vararg args: String): Any? =
        redis.eval(script, listOf(key(key)), args.toList())

    /** Checks that the server answers (`PING`); nothing to create. */
    fun createTable() {
        redis.ping()
    }

    override fun claim(key: String, leaseMs: Long): Claim {
        val token = newToken()
        return when (val answer = eval(CLAIM, key, "claimed:$token", leaseMs.toString())) {
            "CLAIMED" -> Claim(key, ClaimOutcome.CLAIMED, token)
            "ALREADY_DONE" -> Claim(key, ClaimOutcome.ALREADY_DONE)
            "IN_PROGRESS" -> Claim(key, ClaimOutcome.IN_PROGRESS)
            else -> throw IllegalStateException("unexpected answer from the claim script: ${answer?.javaClass?.name}")
        }
    }

    override fun complete(claim: Claim, effect: StoreEffect) {
        val value = "claimed:" + (claim.token ?: throw ClaimLostException("only a CLAIMED claim can complete"))
        if (eval(HOLDS, claim.key, value) != 1L) throw ClaimLostException()
        effect.run(null)
        if (eval(COMPLETE, claim.key, value, (doneTtlMs ?: 0L).toString()) != 1L) throw ClaimLostException()
    }

    override fun release(claim: Claim) {
        val token = claim.token ?: return
        eval(RELEASE, claim.key, "claimed:$token")
    }

    /** `"claimed"`, `"done"` or `null`: what Redis holds for [key] (for tests and operations). */
    fun state(key: String): String? = redis.get(key(key))?.let { if (it == "done") "done" else "claimed" }

    /** Closes the client given (or made by [connect]). */
    override fun close() = redis.close()

    companion object {
        // KEYS[1] the key; ARGV[1] the claim value, ARGV[2] the lease in ms.
        private const val CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'CLAIMED' end
if redis.call('GET', KEYS[1]) == 'done' then return 'ALREADY_DONE' end
return 'IN_PROGRESS'
"""

        // KEYS[1] the key; ARGV[1] this claim's value.
        private const val HOLDS = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
"""

        // KEYS[1] the key; ARGV[1] this claim's value, ARGV[2] the done marker's lifetime in ms (0: none).
        private const val COMPLETE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
else redis.call('SET', KEYS[1], 'done') end
return 1
"""

        private const val RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

        /**
         * A store with its own pooled [RedisClient] for [host]:[port]: connect and socket
         * timeouts of [timeout] (a slow server counts as unavailable), a pool of [maxConnections]
         * that waits at most [timeout] for a free connection, no retries inside a call (a server
         * that is down answers 500 at once, and Antom delivers again). [password]: `null` for none.
         */
        @JvmStatic
        @JvmOverloads
        fun connect(
            host: String,
            port: Int,
            timeout: Duration = Duration.ofSeconds(5),
            prefix: String = "antom:dedup:",
            password: String? = null,
            maxConnections: Int = 32,
        ): RedisDedupStore {
            val ms = timeout.toMillis().coerceIn(1, Int.MAX_VALUE.toLong()).toInt()
            val config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(ms)
                .socketTimeoutMillis(ms)
                .apply { if (password != null) password(password) }
                .build()
            val pool = GenericObjectPoolConfig<JedisConnection>().apply {
                maxTotal = maxConnections
                maxIdle = maxConnections
                setMaxWait(Duration.ofMillis(ms.toLong()))
            }
            val client = RedisClient.builder().hostAndPort(HostAndPort(host, port)).clientConfig(config).poolConfig(pool).build()
            return RedisDedupStore(client, prefix)
        }
    }
}
