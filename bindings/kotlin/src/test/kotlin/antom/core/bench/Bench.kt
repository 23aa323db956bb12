package antom.core.bench

import antom.core.Client
import antom.core.PrivateKey
import antom.core.PublicKey
import antom.core.contentToSign
import java.lang.management.ManagementFactory
import java.net.URLDecoder
import java.net.URLEncoder
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.KeyFactory
import java.security.Signature
import java.security.spec.PKCS8EncodedKeySpec
import java.security.spec.X509EncodedKeySpec
import java.time.LocalDate
import java.util.Base64
import antom.core.ffi.noop as ffiNoop

/**
 * JVM benchmark (not a test): sign / verify ops/s of antom-core through the packaged jar
 * (Kotlin → JNA → libantom_ffi) against the JDK's `Signature.getInstance("SHA256withRSA")`, in
 * the same process, in interleaved rounds after a warm-up; plus a full prepare, a full
 * response check and the bare cost of one call across the binding. Rewrites only the text
 * between `<!-- jvm:begin -->` and `<!-- jvm:end -->` in BENCHMARKS.md.
 *
 * Run by `make bench-jvm` (bindings/kotlin/scripts/bench.sh). Arguments: <tests/vectors dir>
 * <BENCHMARKS.md>. Environment: WARMUP_MS (default 3000), ROUNDS (7), ROUND_MS (500).
 */
private val WARMUP_MS = System.getenv("WARMUP_MS")?.toLong() ?: 3000L
private val ROUNDS = System.getenv("ROUNDS")?.toInt() ?: 7
private val ROUND_MS = System.getenv("ROUND_MS")?.toLong() ?: 500L
private const val CLIENT_ID = "SANDBOX_5X00000000000000"

@Volatile private var sink: Any? = null

/** Runs [op] for about [ms] milliseconds; returns ops/s. */
private fun measure(ms: Long, op: () -> Any?): Double {
    val deadline = System.nanoTime() + ms * 1_000_000
    var n = 0L
    val start = System.nanoTime()
    var now: Long
    do {
        for (i in 0 until 16) sink = op()
        n += 16
        now = System.nanoTime()
    } while (now < deadline)
    return n * 1e9 / (now - start)
}

private fun median(xs: List<Double>) = xs.sorted()[xs.size / 2]

private fun fmt(x: Double) = "%,d".format(Math.round(x))

private fun perOp(opsPerSecond: Double): String {
    val ns = 1e9 / opsPerSecond
    return if (ns >= 1000) "%,.1f µs".format(ns / 1000) else "%,.0f ns".format(ns)
}

fun main(args: Array<String>) {
    val vectors: Path = Paths.get(args.getOrElse(0) { "../../tests/vectors" })
    val benchmarks: Path = Paths.get(args.getOrElse(1) { "../../BENCHMARKS.md" })
    fun key(name: String) = Files.readString(vectors.resolve("keys/TEST-ONLY-$name"))
    val loadBefore = ManagementFactory.getOperatingSystemMXBean().systemLoadAverage

    // The Rust bench's content: a 1 KB response body under a sandbox pay path.
    val body = """{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"${"x".repeat(1024 - 80)}"}}"""
    val path = "/ams/api/v1/payments/pay"
    val content = contentToSign("POST", path, CLIENT_ID, "1685599933871", body)
    val contentBytes = content.toByteArray(Charsets.UTF_8)

    val merchantText = key("merchant.private.pkcs8.b64")
    val privateKey = PrivateKey(merchantText)
    val publicKey = PublicKey(key("merchant.public.spki.b64"))
    val signature = privateKey.sign(content)

    val kf = KeyFactory.getInstance("RSA")
    val jdkPrivate = kf.generatePrivate(PKCS8EncodedKeySpec(Base64.getDecoder().decode(merchantText.trim())))
    val jdkPublic = kf.generatePublic(X509EncodedKeySpec(Base64.getDecoder().decode(key("merchant.public.spki.b64").trim())))
    val jdkSigner = Signature.getInstance("SHA256withRSA")
    val jdkVerifier = Signature.getInstance("SHA256withRSA")
    // The same output as antom-core's sign: base64, percent-encoded; the same input for verify.
    fun jdkSign(): String {
        jdkSigner.initSign(jdkPrivate)
        jdkSigner.update(contentBytes)
        return URLEncoder.encode(Base64.getEncoder().encodeToString(jdkSigner.sign()), Charsets.UTF_8)
    }
    fun jdkVerify(): Boolean {
        jdkVerifier.initVerify(jdkPublic)
        jdkVerifier.update(contentBytes)
        return jdkVerifier.verify(Base64.getDecoder().decode(URLDecoder.decode(signature, Charsets.UTF_8)))
    }
    check(jdkSign() == signature) { "the JDK and antom-core disagree on the signature" }
    check(jdkVerify() && publicKey.verify(content, signature))

    // A full request and a full response check through the idiomatic Kotlin API.
    val antomText = key("antom.private.pkcs8.b64")
    val client = Client(clientId = CLIENT_ID, antomPublicKey = PublicKey(key("antom.public.spki.b64")), privateKey = privateKey)
    val responseTime = "2025-05-19T01:52:32Z"
    val responseSignature = PrivateKey(antomText).sign(contentToSign("POST", "/ams/sandbox/api/v1/payments/pay", CLIENT_ID, responseTime, body))
    val responseHeaders = listOf(
        "content-type" to "application/json; charset=UTF-8",
        "response-time" to responseTime,
        "client-id" to CLIENT_ID,
        "signature" to "algorithm=RSA256,keyVersion=1,signature=$responseSignature",
    )
    val bodyBytes = body.toByteArray(Charsets.UTF_8)
    check(client.verifyResponse("/ams/sandbox/api/v1/payments/pay", responseHeaders, bodyBytes).isSuccess)

    // Issue 17: a webhook's verifyNotification against the jar's own PublicKey.verify of the same
    // content, for each header shape a JVM server hands over (ten request headers).
    val notifyPath = "/antom/notify"
    val notifyBody = """{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"pay_20261122_000001","paymentId":"20261122194010800100188000000001","paymentAmount":{"currency":"USD","value":"1000"}}"""
    val notifyBytes = notifyBody.toByteArray(Charsets.UTF_8)
    val notifyTime = "1763769600000"
    val notifyContent = contentToSign("POST", notifyPath, CLIENT_ID, notifyTime, notifyBody)
    val notifySignature = PrivateKey(antomText).sign(notifyContent)
    val antomPublic = PublicKey(key("antom.public.spki.b64"))
    val receiver = Client(clientId = CLIENT_ID, antomPublicKey = antomPublic)
    val notifyPairs = listOf(
        "Host" to "merchant.example", "User-Agent" to "Antom-Notify/1.0",
        "Content-Type" to "application/json; charset=UTF-8", "Content-Length" to notifyBytes.size.toString(),
        "Accept" to "*/*", "X-Forwarded-For" to "203.0.113.7", "X-Forwarded-Proto" to "https",
        "Client-Id" to CLIENT_ID, "Request-Time" to notifyTime,
        "Signature" to "algorithm=RSA256,keyVersion=1,signature=$notifySignature",
    )
    val notifyMulti = java.util.TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER).apply {
        for ((n, v) in notifyPairs) put(n, listOf(v))
    }
    val exchangeHeaders = com.sun.net.httpserver.Headers().apply { for ((n, v) in notifyPairs) add(n, v) }
    val httpHeaders = java.net.http.HttpHeaders.of(notifyMulti) { _, _ -> true }
    val notifyMap = notifyPairs.toMap()
    val shapes: List<Pair<String, () -> Any?>> = listOf(
        "`List<Pair<String, String>>`" to { receiver.verifyNotification(notifyPath, notifyPairs, notifyBytes) },
        "`Map<String, String>`" to { receiver.verifyNotification(notifyPath, notifyMap, notifyBytes) },
        "`Map<String, List<String>>`" to { receiver.verifyNotification(notifyPath, notifyMulti, notifyBytes) },
        "`com.sun.net.httpserver.Headers`" to { receiver.verifyNotification(notifyPath, exchangeHeaders, notifyBytes) },
        "`java.net.http.HttpHeaders`" to { receiver.verifyNotification(notifyPath, httpHeaders, notifyBytes) },
        "servlet-style names and values" to {
            receiver.verifyNotification(notifyPath, java.util.Collections.enumeration(notifyMulti.keys),
                { n: String -> java.util.Collections.enumeration(notifyMulti[n] ?: emptyList()) }, notifyBytes)
        },
    )
    for ((_, op) in shapes) check(op() != null)

    val ops: List<Pair<String, () -> Any?>> = listOf(
        "antom sign" to { privateKey.sign(content) },
        "jdk sign" to { jdkSign() },
        "antom verify" to { publicKey.verify(content, signature) },
        "jdk verify" to { jdkVerify() },
        "prepare" to { client.prepare("v1/payments/pay", bodyBytes, 1685599933871) },
        "verify_response" to { client.verifyResponse("/ams/sandbox/api/v1/payments/pay", responseHeaders, bodyBytes) },
        "noop" to { ffiNoop() },
        "notify PublicKey.verify" to { antomPublic.verify(notifyContent, notifySignature) },
    ) + shapes

    // Warm-up: every operation, so the JIT has compiled both sides before measuring.
    for ((_, op) in ops) measure(WARMUP_MS / ops.size, op)
    val results = ops.associate { it.first to mutableListOf<Double>() }
    repeat(ROUNDS) {
        for ((name, op) in ops) results.getValue(name) += measure(ROUND_MS, op)
    }
    val m = results.mapValues { median(it.value) }
    val loadAfter = ManagementFactory.getOperatingSystemMXBean().systemLoadAverage

    val cores = Runtime.getRuntime().availableProcessors()
    val jvm = "${System.getProperty("java.vm.name")} ${System.getProperty("java.runtime.version")}"
    val jna = com.sun.jna.Native.VERSION
    val section = buildString {
        appendLine("## JVM: Kotlin / Java through JNA (`make bench-jvm`)")
        appendLine()
        appendLine("Measured ${LocalDate.now()} on ${System.getProperty("os.arch")}, $cores cores (${cpuFacts()}; 1-minute load average " +
            "%.2f before, %.2f after), $jvm, JNA $jna, through the packaged jar".format(loadBefore, loadAfter))
        appendLine("(`antom.core` Kotlin API → JNA → `libantom_ffi.so`, release build: `verify`, `verifyResponse` and")
        appendLine("`verifyNotification` through the flat entry points, the rest through uniffi). A warmed-up loop, not JMH:")
        appendLine("${WARMUP_MS / 1000.0} s of warm-up over all operations, then $ROUNDS interleaved rounds of $ROUND_MS ms per")
        appendLine("operation; the table shows the median round. The JDK side is `Signature.getInstance(\"SHA256withRSA\")`")
        appendLine("(SunRsaSign, pure Java), one instance reused, with the same encoding work as antom-core: base64 and")
        appendLine("percent-encoding of the signature out (sign), percent-decoding and base64 in (verify).")
        appendLine()
        appendLine("| RSA-2048 operation (1 KB content) | antom-core via JNA ops/s | JDK ops/s | ratio (antom-core / JDK) |")
        appendLine("| --- | --- | --- | --- |")
        appendLine("| sign | ${fmt(m.getValue("antom sign"))} | ${fmt(m.getValue("jdk sign"))} | %.2fx |".format(m.getValue("antom sign") / m.getValue("jdk sign")))
        appendLine("| verify | ${fmt(m.getValue("antom verify"))} | ${fmt(m.getValue("jdk verify"))} | %.2fx |".format(m.getValue("antom verify") / m.getValue("jdk verify")))
        appendLine()
        appendLine("| binding call | time per op | ops/s |")
        appendLine("| --- | --- | --- |")
        appendLine("| `Client.prepare` (1 KB body: path, body check, content, signature, headers) | ${perOp(m.getValue("prepare"))} | ${fmt(m.getValue("prepare"))} |")
        appendLine("| `Client.verifyResponse` (1 KB body: headers, signature, JSON `result`) | ${perOp(m.getValue("verify_response"))} | ${fmt(m.getValue("verify_response"))} |")
        appendLine("| `noop()`: one uniffi call across the binding, nothing done (what the flat calls no longer pay) | ${perOp(m.getValue("noop"))} | ${fmt(m.getValue("noop"))} |")
        appendLine()
        appendLine("### Webhook path: `verifyNotification` per call, by header shape")
        appendLine()
        appendLine("The same ~250-byte `PAYMENT_RESULT` notification with ten request headers, in each shape a JVM server hands")
        appendLine("over; only the three headers the core reads are converted. Against the jar's own `PublicKey.verify`")
        appendLine("of the same content (${perOp(m.getValue("notify PublicKey.verify"))}).")
        appendLine()
        appendLine("| header shape | `verifyNotification` | vs `PublicKey.verify` |")
        appendLine("| --- | --- | --- |")
        for ((name, _) in shapes) {
            appendLine("| $name | ${perOp(m.getValue(name))} | %.2fx |".format(m.getValue("notify PublicKey.verify") / m.getValue(name)))
        }
        val signRatio = m.getValue("antom sign") / m.getValue("jdk sign")
        val verifyRatio = m.getValue("antom verify") / m.getValue("jdk verify")
        val worst = shapes.maxOf { (name, _) -> m.getValue("notify PublicKey.verify") / m.getValue(name) }
        fun verdict(met: Boolean) = if (met) "met" else "**missed**"
        appendLine()
        appendLine("| target (issue 28) | measured | |")
        appendLine("| --- | --- | --- |")
        appendLine("| sign ≥ 2.5x the JDK | %.2fx | ${verdict(signRatio >= 2.5)} |".format(signRatio))
        appendLine("| verify ≥ 1.3x the JDK | %.2fx | ${verdict(verifyRatio >= 1.3)} |".format(verifyRatio))
        appendLine("| `verifyNotification` ≤ 1.25x `PublicKey.verify`, every header shape | %.2fx (slowest shape) | ${verdict(worst <= 1.25)} |".format(worst))
        appendLine()
        append("Signing in antom-core runs on AWS-LC (aws-lc-rs, blinded, constant-time). The per-request calls cross")
        append(" the binding once each way through JNA direct mapping with primitive arguments only (addresses in the")
        append(" thread's direct buffer, the wrapper's own handle, the answer decoded from a second direct buffer); the")
        append(" other calls go through uniffi's glue, which allocates JNA `Structure`s (the `RustCallStatus`, a")
        append(" `ForeignBytes` per argument) and clones the handle with a second call, hence the `noop()` figure.")
    }
    println(section)

    replaceBlock(benchmarks, "jvm", section)
}
