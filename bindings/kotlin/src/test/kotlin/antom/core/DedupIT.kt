package antom.core

import antom.core.dedup.Claim
import antom.core.dedup.ClaimLostException
import antom.core.dedup.ClaimOutcome
import antom.core.dedup.DedupAnswer
import antom.core.dedup.DedupStore
import antom.core.dedup.Delivery
import antom.core.dedup.Dispatcher
import antom.core.dedup.JdbcDedupStore
import antom.core.dedup.NotificationEffect
import antom.core.dedup.RedisDedupStore
import antom.core.dedup.StoreEffect
import antom.core.dedup.leaseBounds
import antom.core.dedup.leaseMs
import antom.core.dedup.processOnce
import antom.core.models.NotifyCaptureRequest
import antom.core.models.NotifyPaymentRequest
import antom.core.models.NotifyRefundRequest
import antom.core.testing.SignedMessage
import antom.core.testing.TestKit
import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import redis.clients.jedis.Protocol
import redis.clients.jedis.RedisClient
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.sql.Connection
import java.sql.DriverManager
import java.time.Duration
import java.util.Collections
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * Exactly-once processing (antom.core.dedup) and the typed Dispatcher through the packaged jar,
 * against real databases the test starts itself from Debian's packages: SQLite (sqlite-jdbc),
 * PostgreSQL (initdb + pg_ctl in a temporary directory, as the postgres user when run as root;
 * pgjdbc) and Redis (redis-server on a free port, no persistence; Jedis). A server that cannot
 * start fails with its error (Databases); nothing is skipped.
 *
 * Per store: concurrent duplicate deliveries run the effect once; an effect failing mid-way
 * answers 500 and its redelivery runs it once; a crashed worker (a child JVM halted mid-effect)
 * leaves a claim that expires and is taken over, the effect happening exactly once; a completion
 * whose claim was taken over is refused; a store that is down or slow answers 500 without the
 * effect. Then the load test: N notifications signed by the testing kit, each delivered several
 * times at once to a com.sun.net.httpserver endpoint running the Dispatcher, some handlers
 * failing mid-way and delivered again until acknowledged: every effect exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DedupIT {
    private val kit = TestKit()
    private val client = kit.client()
    private val pgServer = lazy { Databases.postgres() }
    private val redisServer = lazy { Databases.redis() }
    private val temp: Path = Files.createTempDirectory("antom-dedup-")
    private val ack = 200 to NOTIFICATION_ACK

    @AfterAll
    fun close() {
        if (pgServer.isInitialized()) pgServer.value.close()
        if (redisServer.isInitialized()) redisServer.value.close()
        client.close()
        kit.close()
        temp.toFile().deleteRecursively()
    }

    private fun unique(prefix: String) = "$prefix-" + UUID.randomUUID().toString().replace("-", "").take(12)

    private fun paid(paymentId: String): SignedMessage = kit.notification("PAYMENT_RESULT", mapOf("paymentId" to paymentId))

    private fun notification(paymentId: String = unique("pay")): Notification =
        paid(paymentId).let { client.verifyNotification(NOTIFY, it.headers, it.body) }

    private fun DedupAnswer.pair() = status to body
    private fun WebhookReply.pair() = status to body

    // --- the stores, each with a place its test effect writes to ---------------------------------

    /** A store plus where the test's effect writes, so effects are counted in the same database. */
    abstract class Harness(val kind: String, val transactional: Boolean) : AutoCloseable {
        abstract val store: DedupStore
        abstract fun record(connection: Connection?, key: String)
        abstract fun effects(): Map<String, Int>
        abstract fun state(key: String): String?
        /** What the crash child needs to build the same store: kind, target, table or prefix, effects. */
        abstract fun childArgs(): List<String>
        override fun close() {}
    }

    private class SqlHarness(kind: String, val url: String, val jdbc: JdbcDedupStore, val effectsTable: String) : Harness(kind, true) {
        override val store: DedupStore = jdbc

        init {
            jdbc.createTable()
            DriverManager.getConnection(url).use { c -> c.createStatement().use { it.execute("CREATE TABLE $effectsTable (dedup_key TEXT NOT NULL)") } }
        }

        override fun record(connection: Connection?, key: String) {
            connection!!.prepareStatement("INSERT INTO $effectsTable (dedup_key) VALUES (?)").use { it.setString(1, key); it.executeUpdate() }
        }

        override fun effects(): Map<String, Int> = DriverManager.getConnection(url).use { c ->
            c.createStatement().use { st ->
                st.executeQuery("SELECT dedup_key FROM $effectsTable").use { rs ->
                    val out = HashMap<String, Int>()
                    while (rs.next()) out.merge(rs.getString(1), 1, Int::plus)
                    out
                }
            }
        }

        override fun state(key: String): String? = jdbc.state(key)
        override fun childArgs() = listOf(kind, url, jdbc.table, effectsTable)
    }

    private class RedisHarness(val port: Int) : Harness("redis", false) {
        val prefix = "dedup-" + UUID.randomUUID().toString().take(8) + ":"
        val list = prefix + "effects"
        val redisStore = RedisDedupStore.connect("127.0.0.1", port, prefix = prefix)
        val redis: RedisClient = RedisClient.create("127.0.0.1", port)
        override val store: DedupStore = redisStore

        init {
            redisStore.createTable()
        }

        override fun record(connection: Connection?, key: String) {
            assertNull(connection)
            redis.rpush(list, key)
        }

        override fun effects(): Map<String, Int> = redis.lrange(list, 0, -1).groupingBy { it }.eachCount()
        override fun state(key: String): String? = redisStore.state(key)
        override fun childArgs() = listOf("redis", port.toString(), prefix, list)

        override fun close() {
            redisStore.close()
            redis.close()
        }
    }

    private fun harness(kind: String): Harness = when (kind) {
        "sqlite" -> {
            val path = temp.resolve(unique("dedup") + ".sqlite3")
            SqlHarness("sqlite", "jdbc:sqlite:$path", JdbcDedupStore.sqlite(path.toString()), "effects")
        }
        "postgres" -> {
            val url = pgServer.value.jdbcUrl
            val table = "dedup_" + UUID.randomUUID().toString().replace("-", "").take(10)
            SqlHarness("postgres", url, JdbcDedupStore.forUrl(url, table = table), "effects_" + table.removePrefix("dedup_"))
        }
        "redis" -> RedisHarness(redisServer.value.port)
        else -> throw IllegalArgumentException(kind)
    }

    private fun deliverUntilAcknowledged(deliver: () -> Pair<Int, String>): List<Pair<Int, String>> {
        val answers = mutableListOf<Pair<Int, String>>()
        repeat(50) {
            answers += deliver()
            if (answers.last() == ack) return answers
            Thread.sleep(50)
        }
        throw AssertionError("never acknowledged: ${answers.takeLast(5)}")
    }

    // --- the core's table, through a scripted store ----------------------------------------------

    private class ScriptedStore(
        val outcome: ClaimOutcome = ClaimOutcome.CLAIMED,
        val completeFails: Boolean = false,
        val claimThrows: Boolean = false,
    ) : DedupStore {
        val calls = mutableListOf<String>()

        override fun claim(key: String, leaseMs: Long): Claim {
            calls += "claim $leaseMs"
            if (claimThrows) throw java.io.IOException("store down")
            return Claim(key, outcome, if (outcome == ClaimOutcome.CLAIMED) "t" else null)
        }

        override fun complete(claim: Claim, effect: StoreEffect) {
            calls += "complete"
            effect.run(null)
            if (completeFails) throw java.sql.SQLException("lost the connection before COMMIT")
        }

        override fun release(claim: Claim) {
            calls += "release"
        }
    }

    @Test
    fun processOnceFollowsTheCoreTable() {
        val n = notification()
        var runs = 0
        val effect = NotificationEffect { _, _ -> runs++ }
        val default = leaseBounds().defaultMs

        var store = ScriptedStore()
        assertEquals(ack, processOnce(store, n, effect).pair())
        assertEquals(1, runs)
        assertEquals(listOf("claim $default", "complete"), store.calls)
        assertEquals(DedupAnswer.PROCESSED, processOnce(ScriptedStore(), n, effect).reason)

        for ((outcome, answer) in listOf(
            ClaimOutcome.ALREADY_DONE to ack,
            ClaimOutcome.IN_PROGRESS to (500 to "IN_PROGRESS"),
            ClaimOutcome.STORE_UNAVAILABLE to (500 to "STORE_UNAVAILABLE"),
        )) {
            runs = 0
            store = ScriptedStore(outcome)
            assertEquals(answer, processOnce(store, n, effect, 5_000).pair(), "$outcome")
            assertEquals(0, runs, "$outcome")
            assertEquals(listOf("claim 5000"), store.calls, "$outcome")
        }
        assertEquals(DedupAnswer.DUPLICATE, processOnce(ScriptedStore(ClaimOutcome.ALREADY_DONE), n, effect).reason)

        runs = 0
        assertEquals(500 to "STORE_UNAVAILABLE", processOnce(ScriptedStore(claimThrows = true), n, effect).pair())
        assertEquals(0, runs)

        store = ScriptedStore(completeFails = true)
        val failed = processOnce(store, n, effect)
        assertEquals(500 to "COMPLETION_FAILED", failed.pair())
        assertTrue(failed.contentType.startsWith("text/plain"))
        assertEquals("release", store.calls.last())

        store = ScriptedStore()
        val seen = mutableListOf<Exception>()
        val thrown = IllegalStateException("the payment service is down")
        assertEquals(500 to "CALLBACK_FAILED", processOnce(store, n, { _, _ -> throw thrown }, null, { seen += it }).pair())
        assertEquals(listOf("claim $default", "complete", "release"), store.calls)
        assertSame(thrown, seen.single())
    }

    @Test
    fun leaseBoundsComeFromTheCore() {
        assertEquals(antom.core.dedup.LeaseBounds(60_000, 1_000, 3_600_000), leaseBounds())
        assertEquals(60_000, leaseMs())
        assertEquals(1_000, leaseMs(1_000))
        for (bad in listOf(0L, 999L, 3_600_001L, -1L, Long.MIN_VALUE)) {
            val e = assertThrows<AntomException> { leaseMs(bad) }
            assertEquals(AntomException.INVALID_INPUT, e.code)
            assertTrue(e.message!!.contains("lease_ms must be 1000 to 3600000"), e.message)
        }
        assertThrows<AntomException> { processOnce(ScriptedStore(), notification(), { _, _ -> }, 10) }
        assertTrue(antom.core.dedup.claimExpired(1_000, 5_000, 6_000))
        assertFalse(antom.core.dedup.claimExpired(1_000, 5_000, 5_999))
    }

    @Test
    fun aClaimShowsNeitherKeyNorToken() {
        val claim = Claim("PAYMENT_RESULT:paymentId=secret-id", ClaimOutcome.CLAIMED, "secret-token")
        assertFalse("secret" in claim.toString())
        assertFalse("secret" in ClaimLostException().message!!)
        assertThrows<IllegalArgumentException> { Claim("k", ClaimOutcome.CLAIMED, null) }
    }

    // --- per store, on the real databases --------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun concurrentDuplicatesRunTheEffectOnce(kind: String) = harness(kind).use { h ->
        val n = notification()
        val workers = 12
        val barrier = CyclicBarrier(workers)
        val effect = NotificationEffect { verified, connection ->
            h.record(connection, verified.dedupKey)
            Thread.sleep(200) // hold the claim while the duplicates arrive
        }
        val pool = Executors.newFixedThreadPool(workers)
        val answers = try {
            (1..workers).map { pool.submit<Pair<Int, String>> { barrier.await(); processOnce(h.store, n, effect, 30_000).pair() } }
                .map { it.get(60, TimeUnit.SECONDS) }
        } finally {
            pool.shutdownNow()
        }
        assertTrue(answers.all { it == ack || it == (500 to "IN_PROGRESS") }, "$answers")
        assertTrue(ack in answers, "$answers")
        assertEquals(mapOf(n.dedupKey to 1), h.effects())
        // Antom delivers the unacknowledged ones again: acknowledged, never run again.
        for (a in answers.filter { it != ack }) assertEquals(ack, processOnce(h.store, n, effect).pair())
        assertEquals(mapOf(n.dedupKey to 1), h.effects())
        assertEquals("done", h.state(n.dedupKey))
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun anEffectFailingMidwayIsRunOnceOnRedelivery(kind: String) = harness(kind).use { h ->
        val n = notification()
        var calls = 0
        val effect = NotificationEffect { verified, connection ->
            calls++
            if (calls == 1) {
                if (h.transactional) h.record(connection, verified.dedupKey) // written, then rolled back
                throw IllegalStateException("the ledger service timed out")
            }
            h.record(connection, verified.dedupKey)
        }
        assertEquals(500 to "CALLBACK_FAILED", processOnce(h.store, n, effect).pair())
        assertEquals(emptyMap<String, Int>(), h.effects())
        assertNull(h.state(n.dedupKey), "released: the redelivery does not wait for the lease")
        assertEquals(ack, processOnce(h.store, n, effect).pair())
        assertEquals(ack, processOnce(h.store, n, effect).pair())
        assertEquals(2, calls)
        assertEquals(mapOf(n.dedupKey to 1), h.effects())
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun aCrashedWorkersClaimIsTakenOverOnce(kind: String) = harness(kind).use { h ->
        val lease = leaseBounds().minMs // 1 s: the shortest lease, so the takeover is quick
        val paymentId = unique("crash")
        val n = notification(paymentId)
        val java = ProcessHandle.current().info().command().orElse("java")
        val command = listOf(java, "-cp", System.getProperty("java.class.path"), DedupCrashChild::class.java.name) +
            h.childArgs() + listOf(paymentId, lease.toString())
        val child = ProcessBuilder(command).redirectErrorStream(true).start()
        val output = child.inputStream.bufferedReader().readText()
        assertTrue(child.waitFor(60, TimeUnit.SECONDS))
        val died = System.nanoTime() // the child claimed shortly before: its lease ends before died + lease
        assertEquals(17, child.exitValue(), output)
        assertEquals("claimed", h.state(n.dedupKey))
        assertEquals(emptyMap<String, Int>(), h.effects(), "the SQL stores rolled the half-done effect back; Redis: it died before writing")

        var runs = 0
        val effect = NotificationEffect { verified, connection -> runs++; h.record(connection, verified.dedupKey) }
        if ((System.nanoTime() - died) / 1_000_000 < 500) { // (a busy machine may pause us longer: then only the takeover)
            assertEquals(500 to "IN_PROGRESS", processOnce(h.store, n, effect, lease).pair())
            assertEquals(0, runs)
        }
        val wait = lease + 200 - (System.nanoTime() - died) / 1_000_000
        if (wait > 0) Thread.sleep(wait)
        assertEquals(ack, processOnce(h.store, n, effect, lease).pair(), "taken over")
        assertEquals(ack, processOnce(h.store, n, effect, lease).pair(), "done")
        assertEquals(1, runs)
        assertEquals(mapOf(n.dedupKey to 1), h.effects())
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun aTakenOverClaimCannotComplete(kind: String) = harness(kind).use { h ->
        val lease = leaseBounds().minMs
        val key = unique("fence")
        val first = h.store.claim(key, lease)
        assertEquals(ClaimOutcome.CLAIMED, first.outcome)
        assertEquals(ClaimOutcome.IN_PROGRESS, h.store.claim(key, lease).outcome)
        Thread.sleep(lease + 100)
        val second = h.store.claim(key, lease)
        assertEquals(ClaimOutcome.CLAIMED, second.outcome)
        assertNotEquals(first.token, second.token)

        var staleRan = false
        assertThrows<ClaimLostException> { h.store.complete(first) { c -> staleRan = true; h.record(c, key) } }
        assertFalse(staleRan, "fenced before the effect: the stale worker's effect never runs")
        h.store.release(first) // not the holder's: a no-op
        assertEquals("claimed", h.state(key))
        h.store.complete(second) { c -> h.record(c, key) }
        assertEquals(ClaimOutcome.ALREADY_DONE, h.store.claim(key, lease).outcome)
        assertEquals(mapOf(key to 1), h.effects())
        // The lease expires while the effect runs.
        val third = unique("fence")
        val held = h.store.claim(third, lease)
        assertEquals(ClaimOutcome.CLAIMED, held.outcome)
        val pool = Executors.newSingleThreadExecutor()
        try {
            if (h.transactional) {
                // SQL: the fenced UPDATE holds the row (PostgreSQL) or the write lock (SQLite) until
                // the commit, so the takeover waits for it and then finds the key done.
                var other: java.util.concurrent.Future<ClaimOutcome>? = null
                h.store.complete(held) { c ->
                    h.record(c, third)
                    Thread.sleep(lease + 100)
                    other = pool.submit<ClaimOutcome> { h.store.claim(third, lease).outcome }
                    Thread.sleep(300)
                    assertFalse(other!!.isDone, "a takeover must wait for the completing transaction")
                }
                assertEquals(ClaimOutcome.ALREADY_DONE, other!!.get(30, TimeUnit.SECONDS))
                assertEquals(1, h.effects()[third])
            } else {
                // Redis: the claim vanishes with its lease and the next delivery takes it over; the
                // stale completion is refused and leaves the new claim alone (its effect ran: the
                // documented limit of a store without a shared transaction).
                var taken: Claim? = null
                assertThrows<ClaimLostException> {
                    h.store.complete(held) { _ ->
                        Thread.sleep(lease + 100)
                        taken = h.store.claim(third, lease)
                    }
                }
                assertEquals(ClaimOutcome.CLAIMED, taken?.outcome)
                assertEquals("claimed", h.state(third))
            }
        } finally {
            pool.shutdownNow()
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun aStoreThatIsDownOrSlowAnswers500WithoutTheEffect(kind: String) = harness(kind).use { h ->
        var runs = 0
        val effect = NotificationEffect { _, _ -> runs++ }
        val down: DedupStore = when (kind) {
            "sqlite" -> JdbcDedupStore.sqlite(temp.resolve("no-such-directory/dedup.sqlite3").toString(), timeoutS = 1)
            "postgres" -> JdbcDedupStore.forUrl("jdbc:postgresql://127.0.0.1:${Databases.freePort()}/postgres?user=postgres&connectTimeout=1", timeoutS = 1)
            else -> RedisDedupStore.connect("127.0.0.1", Databases.freePort(), Duration.ofMillis(500))
        }
        var started = System.nanoTime()
        assertEquals(500 to "STORE_UNAVAILABLE", processOnce(down, notification(), effect).pair())
        assertTrue(System.nanoTime() - started < 5_000_000_000L)
        (down as? AutoCloseable)?.close()

        val n = notification()
        slow(h, n.dedupKey) { slowStore ->
            started = System.nanoTime()
            assertEquals(500 to "STORE_UNAVAILABLE", processOnce(slowStore, n, effect, leaseBounds().minMs).pair())
            assertTrue(System.nanoTime() - started < 5_000_000_000L)
        }
        assertEquals(0, runs)
        // Back to normal, the redelivery runs the effect once.
        assertEquals(ack, deliverUntilAcknowledged { processOnce(h.store, n, effect, leaseBounds().minMs).pair() }.last())
        assertEquals(1, runs)
    }

    /** The harness's database made slow for [key]: its lock held by someone else, or the server paused. */
    private fun slow(h: Harness, key: String, body: (DedupStore) -> Unit) {
        when {
            h is SqlHarness && h.kind == "sqlite" -> {
                val slowStore = JdbcDedupStore.sqlite(h.url.removePrefix("jdbc:sqlite:"), timeoutS = 1)
                DriverManager.getConnection(h.url).use { blocker ->
                    blocker.createStatement().use { it.execute("BEGIN IMMEDIATE") } // the database's write lock
                    try {
                        body(slowStore)
                    } finally {
                        blocker.createStatement().use { it.execute("ROLLBACK") }
                    }
                }
            }
            h is SqlHarness -> {
                val lease = leaseBounds().minMs
                assertEquals(ClaimOutcome.CLAIMED, h.store.claim(key, lease).outcome)
                Thread.sleep(lease + 100) // expired: the next claim would take it over...
                val slowStore = JdbcDedupStore.forUrl(h.url, table = h.jdbc.table, timeoutS = 1)
                DriverManager.getConnection(h.url).use { locker -> // ...but a worker holds the row's lock
                    locker.autoCommit = false
                    locker.prepareStatement("SELECT 1 FROM ${h.jdbc.table} WHERE dedup_key = ? FOR UPDATE").use { st ->
                        st.setString(1, key)
                        st.executeQuery().close()
                    }
                    try {
                        body(slowStore)
                    } finally {
                        locker.rollback()
                    }
                }
            }
            else -> {
                h as RedisHarness
                RedisDedupStore.connect("127.0.0.1", h.port, Duration.ofMillis(500), prefix = h.prefix).use { slowStore ->
                    h.redis.sendCommand(Protocol.Command.CLIENT, "PAUSE", "1500", "ALL")
                    try {
                        body(slowStore)
                    } finally {
                        h.redis.sendCommand(Protocol.Command.CLIENT, "UNPAUSE")
                    }
                }
            }
        }
    }

    // --- the dispatcher --------------------------------------------------------------------------

    private fun refund(refundId: String): SignedMessage = kit.notification("REFUND_RESULT", mapOf("refundId" to refundId))

    @Test
    fun theDispatcherRoutesTypedModelsOnce() = harness("sqlite").use { h ->
        val seen = Collections.synchronizedList(mutableListOf<Delivery<*>>())
        val dispatcher = Dispatcher(client, NOTIFY, h.store)
            .on("PAYMENT_RESULT", NotifyPaymentRequest::class.java) { d ->
                assertEquals(Outcome.SUCCEEDED, d.outcome)
                assertTrue(d.model.paymentId!!.startsWith("p-"))
                h.record(d.connection, d.dedupKey)
                seen += d
            }
            .on("REFUND_RESULT", { json -> NotifyRefundRequest.fromJson(json) }) { d ->
                assertTrue(d.model.refundId!!.startsWith("r-"))
                h.record(d.connection, d.dedupKey)
                seen += d
            }
        assertThrows<IllegalArgumentException> { dispatcher.on("REFUND_RESULT") { } }

        val pay = paid(unique("p"))
        val ref = refund(unique("r"))
        for (m in listOf(pay, ref, pay, ref)) assertEquals(ack, dispatcher.handle(m.headers, m.body).pair())
        // every header shape WebhookHandler takes
        assertEquals(ack, dispatcher.handle(pay.headerMap, pay.body).pair())
        assertEquals(ack, dispatcher.handle(pay.headers.associate { it.first to listOf(it.second) }, pay.body).pair())
        assertEquals(listOf("PAYMENT_RESULT", "REFUND_RESULT"), seen.map { it.notifyType })
        assertEquals(mapOf(seen[0].dedupKey to 1, seen[1].dedupKey to 1), h.effects())
        assertFalse(seen[0].toString().contains(NotifyPaymentRequest.fromJson(pay.bodyText).paymentId!!))

        // A forgery: 401 with the code, no handler.
        val forged = dispatcher.handle(pay.headers, pay.bodyText.replace("\"p-", "\"q-").toByteArray())
        assertEquals(401 to "SIGNATURE_MISMATCH", forged.pair())
        assertEquals("SIGNATURE_MISMATCH", forged.errorCode)
        assertEquals(401 to "MISSING_HEADER", dispatcher.handle(emptyList(), pay.body).pair())
        assertEquals(2, seen.size)
    }

    @Test
    fun theDispatcherFallbackUnknownTypesAndBadBodies() = harness("sqlite").use { h ->
        val dispatcher = Dispatcher(client, NOTIFY, h.store)
        val capture = kit.notification("CAPTURE_RESULT", mapOf("captureId" to unique("c")))
        val odd = kit.signNotification("""{"notifyType":"SOMETHING_NEW","paymentId":"${unique("x")}"}""".toByteArray())
        // No handler and no fallback: acknowledged (retrying would not help), nothing run.
        assertEquals(ack, dispatcher.handle(odd.headers, odd.body).pair())
        val got = Collections.synchronizedList(mutableListOf<Delivery<Any?>>())
        dispatcher.fallback { got += it }
        assertEquals(ack, dispatcher.handle(capture.headers, capture.body).pair())
        assertEquals(ack, dispatcher.handle(odd.headers, odd.body).pair())
        assertTrue(got[0].model is NotifyCaptureRequest, "${got[0]}")
        assertNull(got[1].model)
        assertEquals(ack, dispatcher.handle(odd.headers, odd.body).pair()) // a duplicate
        assertEquals(2, got.size)

        // A verified body that does not fit its model: 500 INVALID_MODEL, the handler not run.
        dispatcher.on("PAYMENT_RESULT") { got += it }
        val bad = kit.signNotification("""{"notifyType":"PAYMENT_RESULT","paymentId":"${unique("b")}","result":"not an object"}""".toByteArray())
        val reply = dispatcher.handle(bad.headers, bad.body)
        assertEquals(500 to Dispatcher.INVALID_MODEL, reply.pair())
        assertEquals(2, got.size)
        assertSame(NotifyRefundRequest::class.java, Dispatcher.NOTIFICATION_MODELS["REFUND_RESULT"])
        assertSame(NotifyPaymentRequest::class.java, Dispatcher.NOTIFICATION_MODELS["PAYMENT_PENDING"])
        assertSame(antom.core.models.DisputeNotify::class.java, Dispatcher.NOTIFICATION_MODELS["DISPUTE_CREATED"])
    }

    @Test
    fun theDispatcherWithoutAStoreAndWithAFailingHandler() {
        val calls = mutableListOf<String>()
        val dispatcher = Dispatcher(client, NOTIFY).on("PAYMENT_RESULT", NotifyPaymentRequest::class.java) { d ->
            calls += d.dedupKey
            assertNull(d.connection)
            if (calls.size == 1) throw IllegalStateException("down")
        }
        val m = paid(unique("p"))
        val failed = dispatcher.handle(m.headers, m.body)
        assertEquals(500 to "CALLBACK_FAILED", failed.pair())
        assertTrue(failed.cause is IllegalStateException)
        assertEquals(ack, dispatcher.handle(m.headers, m.body).pair())
        assertEquals(ack, dispatcher.handle(m.headers, m.body).pair()) // no store: runs every time
        assertEquals(3, calls.size)
        assertThrows<AntomException> { Dispatcher(client, NOTIFY, leaseMs = 100) }
    }

    /** README.md's exactly-once example, character for character (between the markers). */
    private fun readmeDispatcher(client: Client, dataSource: javax.sql.DataSource): Dispatcher {
        // README:begin
        val store = JdbcDedupStore(dataSource)          // PostgreSQL or SQLite; or RedisDedupStore.connect(host, port)
        store.createTable()                             // once at start-up, or the same CREATE TABLE in a migration

        val dispatcher = Dispatcher(client, "/antom/notify", store)
            .on("PAYMENT_RESULT", NotifyPaymentRequest::class.java) { d ->
                if (d.outcome == Outcome.SUCCEEDED) {   // d.model: a NotifyPaymentRequest
                    // d.connection: the store's transaction, which also records the completion
                    d.connection!!.prepareStatement("UPDATE orders SET paid = 1 WHERE id = ?").use {
                        it.setString(1, d.model.paymentRequestId)
                        it.executeUpdate()
                    }
                }
            }
            .fallback { d -> println("not handled: ${d.notifyType}") }
        // README:end
        return dispatcher
    }

    @Test
    fun theReadmeDispatcher() {
        val source = Files.readString(Vectors.dir.parent.parent.resolve("bindings/kotlin/src/test/kotlin/antom/core/DedupIT.kt"))
        val block = source.substringAfter("// README:begin\n").substringBefore("        // README:end").trimIndent()
        val readme = Files.readString(Vectors.dir.parent.parent.resolve("bindings/kotlin/README.md"))
        assertTrue(readme.contains(block), "README.md does not quote DedupIT.readmeDispatcher as it is")

        val path = temp.resolve(unique("readme") + ".sqlite3")
        val dataSource = org.sqlite.SQLiteDataSource().apply { url = "jdbc:sqlite:$path" }
        val order = unique("order")
        dataSource.connection.use { c ->
            c.createStatement().use { it.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, paid INTEGER NOT NULL DEFAULT 0)") }
            c.prepareStatement("INSERT INTO orders (id) VALUES (?)").use { it.setString(1, order); it.executeUpdate() }
        }
        val dispatcher = readmeDispatcher(client, dataSource)
        val pay = kit.notification("PAYMENT_RESULT", mapOf("paymentRequestId" to order, "paymentId" to unique("p")))
        repeat(2) { assertEquals(ack, dispatcher.handle(pay.headers, pay.body).pair()) }
        val ref = refund(unique("r"))
        assertEquals(ack, dispatcher.handle(ref.headers, ref.body).pair()) // the fallback
        dataSource.connection.use { c ->
            c.createStatement().use { st ->
                st.executeQuery("SELECT paid FROM orders").use { rs -> assertTrue(rs.next()); assertEquals(1, rs.getInt(1)) }
                st.executeQuery("SELECT count(*) FROM antom_dedup WHERE state = 'done'").use { rs -> assertTrue(rs.next()); assertEquals(2, rs.getInt(1)) }
            }
        }
    }

    // --- the load test: the Dispatcher behind com.sun.net.httpserver ------------------------------

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun loadEveryEffectExactlyOnce(kind: String) = harness(kind).use { h ->
        val total = System.getProperty("antom.dedup.loadN")?.toInt() ?: LOAD_N
        val run = UUID.randomUUID().toString().take(8)
        val failOnce: MutableSet<String> = ConcurrentHashMap.newKeySet()
        val runs = ConcurrentHashMap<String, AtomicInteger>()

        fun effect(d: Delivery<*>) {
            val key = d.dedupKey
            val first = runs.computeIfAbsent(key) { AtomicInteger() }.incrementAndGet() == 1 // bookkeeping only
            val index = key.substringAfterLast('-').toInt()
            Thread.sleep(10) // some work, so that duplicates overlap
            if (first && index % 5 == 0) {
                failOnce += key
                if (h.transactional) h.record(d.connection, key) // written, then rolled back
                throw IllegalStateException("the fulfilment service failed mid-way")
            }
            h.record(d.connection, key)
        }

        val dispatcher = Dispatcher(client, NOTIFY, h.store, leaseMs = 30_000)
            .on("PAYMENT_RESULT", NotifyPaymentRequest::class.java) { d -> effect(d) }
            .on("REFUND_RESULT", NotifyRefundRequest::class.java) { d -> effect(d) }
        val answers = ConcurrentHashMap<String, AtomicInteger>() // what the endpoint answered
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 128)
        val serverPool = Executors.newFixedThreadPool(LOAD_PARALLEL)
        server.executor = serverPool
        server.createContext(NOTIFY) { exchange ->
            exchange.let {
                val body = it.requestBody.readAllBytes()
                val reply = dispatcher.handle(it.requestHeaders, body)
                answers.computeIfAbsent(if (reply.status == 200) "ACK" else "${reply.status} ${reply.body}") { AtomicInteger() }.incrementAndGet()
                it.responseHeaders.add("content-type", reply.contentType)
                val bytes = reply.bodyBytes()
                it.sendResponseHeaders(reply.status, bytes.size.toLong())
                it.responseBody.write(bytes)
                it.close()
            }
        }
        server.start()
        val url = URI("http://127.0.0.1:${server.address.port}$NOTIFY")
        val deliveries = AtomicInteger()
        val clientPool = Executors.newFixedThreadPool(LOAD_PARALLEL)
        val http = HttpClient.newBuilder().executor(clientPool).connectTimeout(Duration.ofSeconds(10)).build()

        fun message(index: Int): SignedMessage = // re-signed on every delivery, as Antom does
            if (index % 2 == 0) kit.notification("PAYMENT_RESULT", mapOf("paymentId" to "PAY-$run-$index"))
            else kit.notification("REFUND_RESULT", mapOf("refundId" to "RF-$run-$index"))

        fun deliver(index: Int) {
            var last = ""
            for (attempt in 0 until 20) {
                val m = message(index)
                val request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .apply { m.headers.filter { it.first != "content-type" }.forEach { header(it.first, it.second) } }
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(m.body)).build()
                val response = http.send(request, HttpResponse.BodyHandlers.ofString())
                deliveries.incrementAndGet()
                if (response.statusCode() == 200) return
                last = "${response.statusCode()} ${response.body()}"
                assertEquals(500, response.statusCode(), last) // only a 500 is delivered again
                Thread.sleep(20L * (attempt + 1))
            }
            throw AssertionError("notification $index was never acknowledged: $last")
        }

        val started = System.nanoTime()
        val pool = Executors.newFixedThreadPool(LOAD_PARALLEL)
        try {
            // Each notification's duplicates are submitted together, so they run at once.
            val jobs = (0 until total).flatMap { index -> (1..LOAD_DUPLICATES).map { pool.submit { deliver(index) } } }
            for (job in jobs) job.get(120, TimeUnit.SECONDS)
        } finally {
            pool.shutdownNow()
            server.stop(0)
            serverPool.shutdownNow()
            clientPool.shutdownNow()
        }
        val wallS = (System.nanoTime() - started) / 1e9

        val effects = h.effects()
        val keys = (0 until total).map { i -> if (i % 2 == 0) "PAYMENT_RESULT:paymentId=PAY-$run-$i" else "REFUND_RESULT:refundId=RF-$run-$i" }.toSet()
        assertEquals(keys, effects.keys, "an effect was lost or invented")
        assertEquals(emptyList<String>(), effects.filterValues { it != 1 }.keys.toList(), "effects that happened more than once")
        assertEquals((0 until total).count { it % 5 == 0 }, failOnce.size)
        assertTrue(failOnce.all { runs[it]!!.get() == 2 }, "each failed once, then ran once")
        assertTrue(runs.filterKeys { it !in failOnce }.values.all { it.get() == 1 }, "the others ran once")
        val count = answers.mapValues { it.value.get() }
        assertEquals(failOnce.size, count["500 CALLBACK_FAILED"], "$count")
        assertEquals(total * LOAD_DUPLICATES, count["ACK"], "every delivery ends acknowledged: $count")
        assertEquals(deliveries.get(), count.values.sum())
        assertTrue(count.keys.all { it == "ACK" || it == "500 CALLBACK_FAILED" || it == "500 IN_PROGRESS" }, "$count")
        println(
            "[dedup load $kind] N=$total notifications x $LOAD_DUPLICATES concurrent deliveries ($LOAD_PARALLEL at a time, " +
                "com.sun.net.httpserver + Dispatcher): ${deliveries.get()} deliveries (${deliveries.get() - total} duplicates and " +
                "redeliveries), answers ${count.toSortedMap()}; ${failOnce.size} effects failed mid-way and were delivered again; " +
                "effects counted ${effects.values.sum()} for ${keys.size} keys (each once); wall ${"%.1f".format(wallS)} s",
        )
        assertTrue(wallS < 60, "the load test took $wallS s")
    }

    companion object {
        const val NOTIFY = TestKit.DEFAULT_NOTIFY_PATH
        const val LOAD_N = 200
        const val LOAD_DUPLICATES = 4
        const val LOAD_PARALLEL = 16
    }
}

/**
 * A worker that dies mid-effect, for DedupIT.aCrashedWorkersClaimIsTakenOverOnce: claims the
 * notification through the same store, writes its effect (uncommitted in SQL), then halts the
 * JVM: no commit, no answer, no release. Args: kind, target (JDBC URL or Redis port), table or
 * prefix, effects table or list, paymentId, lease ms.
 */
object DedupCrashChild {
    @JvmStatic
    fun main(args: Array<String>) {
        val (kind, target, table, effects) = args
        val paymentId = args[4]
        val lease = args[5].toLong()
        TestKit().use { kit ->
            val client = kit.client()
            val m = kit.notification("PAYMENT_RESULT", mapOf("paymentId" to paymentId))
            val n = client.verifyNotification(DedupIT.NOTIFY, m.headers, m.body)
            val redis = if (kind == "redis") RedisClient.create("127.0.0.1", target.toInt()) else null
            val store: DedupStore = when (kind) {
                "sqlite" -> JdbcDedupStore.sqlite(target.removePrefix("jdbc:sqlite:"), table = table)
                "postgres" -> JdbcDedupStore.forUrl(target, table = table)
                else -> RedisDedupStore.connect("127.0.0.1", target.toInt(), prefix = table)
            }
            processOnce(store, n, { verified, connection ->
                if (connection != null) {
                    connection.prepareStatement("INSERT INTO $effects (dedup_key) VALUES (?)").use { it.setString(1, verified.dedupKey); it.executeUpdate() }
                }
                // Redis: the worker dies before its write (a Redis effect cannot be undone).
                Runtime.getRuntime().halt(17)
            }, lease)
        }
        System.exit(0)
    }
}
