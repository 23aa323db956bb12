package antom.core.bench

import antom.core.AntomException
import antom.core.Client
import antom.core.PublicKey
import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import java.lang.management.ManagementFactory
import java.net.InetSocketAddress
import java.net.URI
import java.net.URLDecoder
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.KeyFactory
import java.security.Signature
import java.security.spec.PKCS8EncodedKeySpec
import java.security.spec.X509EncodedKeySpec
import java.time.LocalDate
import java.util.Base64
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger

/**
 * Webhook endpoint throughput (not a test): a `com.sun.net.httpserver` endpoint verifying Antom
 * notifications through the packaged jar, against the same endpoint verifying with the JDK's
 * `Signature` (the same three headers, signature decoding, client id check), in one run. A
 * bounded load generator on 127.0.0.1 (java.net.http, 32 concurrent keep-alive senders, one in
 * ten notifications forged) checks every verdict (200 or 401); the process's RSS is sampled.
 *
 * Run by `make bench-jvm-webhook` (scripts/bench.sh webhook). Arguments: <tests/vectors dir>
 * <BENCHMARKS.md>. Environment: REQUESTS (default 100000).
 */
private const val NOTIFY_PATH = "/antom/notify"
private const val CLIENT_ID = "SANDBOX_5X00000000000000"
private const val CONCURRENCY = 32
private const val FORGED_EVERY = 10
private val ACK = """{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}""".toByteArray()

private class Notice(val body: ByteArray, val time: String, val signature: String, val genuine: Boolean)

private fun rssKib(): Long = Files.readAllLines(Paths.get("/proc/self/status"))
    .first { it.startsWith("VmRSS:") }.split(Regex("\\s+"))[1].toLong()

/** One endpoint, one verifier; returns requests per second and RSS before/after in KiB. */
private fun run(verify: (com.sun.net.httpserver.Headers, ByteArray) -> Boolean, notices: List<Notice>, total: Int): Triple<Double, Long, Long> {
    val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 128)
    val workers = Executors.newFixedThreadPool(2)
    server.executor = workers
    server.createContext(NOTIFY_PATH) { exchange: HttpExchange ->
        val body = exchange.requestBody.readAllBytes()
        val ok = verify(exchange.requestHeaders, body)
        val answer = if (ok) ACK else "{}".toByteArray()
        exchange.responseHeaders.add("Content-Type", "application/json")
        exchange.sendResponseHeaders(if (ok) 200 else 401, answer.size.toLong())
        exchange.responseBody.use { it.write(answer) }
    }
    server.start()
    val uri = URI("http://127.0.0.1:${server.address.port}$NOTIFY_PATH")
    val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    fun load(n: Int): Int {
        val next = AtomicInteger()
        val wrong = AtomicInteger()
        val senders = Executors.newFixedThreadPool(CONCURRENCY)
        repeat(CONCURRENCY) {
            senders.execute {
                while (true) {
                    val i = next.getAndIncrement()
                    if (i >= n) break
                    val notice = notices[i % notices.size]
                    val request = HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json; charset=UTF-8")
                        .header("Client-Id", CLIENT_ID)
                        .header("Request-Time", notice.time)
                        .header("Signature", "algorithm=RSA256,keyVersion=1,signature=${notice.signature}")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(notice.body))
                        .build()
                    val status = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode()
                    if (status != (if (notice.genuine) 200 else 401)) wrong.incrementAndGet()
                }
            }
        }
        senders.shutdown()
        senders.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS)
        return wrong.get()
    }
    try {
        check(load(20_000) == 0) { "wrong verdicts during warm-up" }
        System.gc()
        val rssStart = rssKib()
        val start = System.nanoTime()
        val wrong = load(total)
        val seconds = (System.nanoTime() - start) / 1e9
        val rssEnd = rssKib()
        check(wrong == 0) { "$wrong wrong verdicts" }
        return Triple(total / seconds, rssStart, rssEnd)
    } finally {
        server.stop(0)
        workers.shutdown()
    }
}

fun main(args: Array<String>) {
    // Without TCP_NODELAY the JDK server's header and body writes meet delayed ACKs: every
    // request then waits ~40 ms and both endpoints measure the network stack, not the check.
    System.setProperty("sun.net.httpserver.nodelay", "true")
    val vectors: Path = Paths.get(args.getOrElse(0) { "../../tests/vectors" })
    val benchmarks: Path = Paths.get(args.getOrElse(1) { "../../BENCHMARKS.md" })
    val total = System.getenv("REQUESTS")?.toInt() ?: 100_000
    fun key(name: String) = Files.readString(vectors.resolve("keys/TEST-ONLY-$name")).trim()
    val kf = KeyFactory.getInstance("RSA")
    val antomPrivate = kf.generatePrivate(PKCS8EncodedKeySpec(Base64.getDecoder().decode(key("antom.private.pkcs8.b64"))))
    val antomPublic = kf.generatePublic(X509EncodedKeySpec(Base64.getDecoder().decode(key("antom.public.spki.b64"))))

    // 500 distinct notifications, signed by the JDK with the throw-away Antom test key; every
    // tenth carries the signature of another body.
    val signer = Signature.getInstance("SHA256withRSA")
    val notices = (0 until 500).map { i ->
        val body = """{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"pay_bench_%06d","paymentId":"2026112219401080010018800%07d","paymentAmount":{"currency":"USD","value":"1000"}}""".format(i, i)
        val forged = i % FORGED_EVERY == FORGED_EVERY - 1
        val signed = if (forged) body.replace("pay_bench", "pay_other") else body
        val time = (1763769600000L + i).toString()
        signer.initSign(antomPrivate)
        signer.update("POST $NOTIFY_PATH\n$CLIENT_ID.$time.$signed".toByteArray())
        val value = URLEncoder.encode(Base64.getEncoder().encodeToString(signer.sign()), Charsets.UTF_8)
        Notice(body.toByteArray(), time, value, !forged)
    }.shuffled(java.util.Random(7))

    val client = Client(clientId = CLIENT_ID, antomPublicKey = PublicKey(key("antom.public.spki.b64")))
    val antom: (com.sun.net.httpserver.Headers, ByteArray) -> Boolean = { headers, body ->
        try {
            client.verifyNotification(NOTIFY_PATH, headers, body)
            true
        } catch (e: AntomException) {
            false
        }
    }
    val jdkVerifier = ThreadLocal.withInitial { Signature.getInstance("SHA256withRSA") }
    val bare: (com.sun.net.httpserver.Headers, ByteArray) -> Boolean = bare@{ headers, body ->
        val clientId = headers.getFirst("client-id") ?: return@bare false
        val time = headers.getFirst("request-time") ?: return@bare false
        val header = headers.getFirst("signature") ?: return@bare false
        if (clientId != CLIENT_ID) return@bare false
        val value = header.split(',').map { it.trim() }.firstOrNull { it.startsWith("signature=") }
            ?.substringAfter('=') ?: return@bare false
        try {
            val raw = Base64.getDecoder().decode(URLDecoder.decode(value, Charsets.UTF_8))
            val v = jdkVerifier.get()
            v.initVerify(antomPublic)
            v.update("POST $NOTIFY_PATH\n$clientId.$time.".toByteArray())
            v.update(body)
            v.verify(raw)
        } catch (e: Exception) {
            false
        }
    }

    val loadBefore = ManagementFactory.getOperatingSystemMXBean().systemLoadAverage
    // Interleaved: bare, antom, three times; the best run of each is kept.
    val results = mutableMapOf<String, MutableList<Triple<Double, Long, Long>>>()
    repeat(3) {
        for ((name, verify) in listOf("jdk" to bare, "antom" to antom)) {
            val r = run(verify, notices, total / 3)
            println("$name: %,.0f req/s, RSS %,d -> %,d KiB".format(r.first, r.second, r.third))
            results.getOrPut(name) { mutableListOf() } += r
        }
    }
    val loadAfter = ManagementFactory.getOperatingSystemMXBean().systemLoadAverage
    val jdk = results.getValue("jdk").maxOf { it.first }
    val ours = results.getValue("antom")
    val best = ours.maxOf { it.first }
    val ratio = best / jdk
    val section = buildString {
        appendLine("## JVM webhook endpoint (`make bench-jvm-webhook`)")
        appendLine()
        appendLine("Measured ${LocalDate.now()} on ${System.getProperty("os.arch")}, ${Runtime.getRuntime().availableProcessors()} cores " +
            "(${cpuFacts()}; server, load generator and JIT share them; 1-minute load average %.2f before, %.2f after), ".format(loadBefore, loadAfter) +
            "${System.getProperty("java.vm.name")} ${System.getProperty("java.runtime.version")}.")
        appendLine("A `com.sun.net.httpserver` endpoint (2 handler threads) verifying each notification with the packaged jar")
        appendLine("(`client.verifyNotification(path, exchange.requestHeaders, body)`) or with the JDK's `Signature` (the same")
        appendLine("three headers, signature decoding, client id check); java.net.http senders on 127.0.0.1, $CONCURRENCY concurrent,")
        appendLine("one in $FORGED_EVERY forged, every verdict checked; %,d requests per endpoint in three interleaved runs".format(total))
        appendLine("after 20,000 warm-up requests each; the best run of each is shown. RSS is the whole process (server and")
        appendLine("load generator, heap capped at 256 MiB so that a plateau shows).")
        appendLine()
        appendLine("| endpoint | JDK `Signature` req/s | antom-core req/s | ratio | RSS over the antom-core runs |")
        appendLine("| --- | ---: | ---: | --- | --- |")
        appendLine("| `com.sun.net.httpserver` | %,.0f | %,.0f | %.2fx (%s) | %s |".format(
            jdk, best, ratio, if (ratio >= 0.9) "target ≥ 0.9x met" else "target ≥ 0.9x **missed**",
            ours.joinToString("; ") { "%.1f → %.1f MiB".format(it.second / 1024.0, it.third / 1024.0) }))
    }
    println(section)
    replaceBlock(benchmarks, "jvm-webhook", section)
}
