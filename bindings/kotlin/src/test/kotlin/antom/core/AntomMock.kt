package antom.core

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * `antom mock` (the repository's Antom simulator, target/debug/antom, path from the
 * `antom.bin` system property set by the pom) as a subprocess on a free 127.0.0.1 port. It
 * checks request signatures with the throw-away merchant public key and signs with the
 * throw-away Antom key, so [client] verifies its answers with [TestKeys.antomPublicText].
 */
class AntomMock : AutoCloseable {
    private val log: File = Files.createTempFile("antom-mock", ".log").toFile()
    private val process: Process
    /** `http://127.0.0.1:PORT`, as the simulator printed it. */
    val url: String

    init {
        val bin = System.getProperty("antom.bin") ?: error("the antom.bin system property is not set (the pom sets it)")
        check(File(bin).canExecute()) { "missing $bin: build it with `cargo build -p antom-cli --bin antom` (make test-jvm does)" }
        process = ProcessBuilder(
            bin, "mock", "--port", "0",
            "--merchant-public-key", Vectors.dir.resolve("keys/TEST-ONLY-merchant.public.spki.b64").toString(),
            "--antom-private-key", Vectors.dir.resolve("keys/TEST-ONLY-antom.private.pkcs8.b64").toString(),
            "--client-id", CLIENT_ID, "--time-scale", "60",
        ).redirectErrorStream(true).redirectOutput(log).start()
        var found: String? = null
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20)
        while (found == null && System.nanoTime() < deadline) {
            found = log.readLines().firstNotNullOfOrNull { it.removePrefix("antom mock: listening on ").takeIf { u -> u != it } }
            if (found == null) {
                check(process.isAlive) { "antom mock exited: ${log.readText().take(2000)}" }
                Thread.sleep(50)
            }
        }
        url = found?.trim() ?: run { process.destroy(); error("antom mock printed no address within 20 s") }
    }

    /** A merchant client for the simulator (RSA signing with the throw-away merchant key). */
    fun client(): Client = Client(
        clientId = CLIENT_ID,
        antomPublicKey = PublicKey(TestKeys.antomPublicText),
        privateKey = PrivateKey(TestKeys.merchantPrivateText),
        gatewayUrl = url,
    )

    /** GET [url] (a checkout page: the buyer pays), returning the status. */
    fun get(url: String): Int =
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode()

    /** What the simulator printed (requests, notification attempts), for failure messages. */
    fun log(): String = log.readText()

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
        log.delete()
    }

    companion object {
        /** The simulator's default client id (a sandbox id: sandbox paths). */
        const val CLIENT_ID = "SANDBOX_5X00000000000000"
    }
}
