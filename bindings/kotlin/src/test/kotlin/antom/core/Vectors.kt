package antom.core

import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.MessageDigest
import java.util.Base64

/** Reads tests/vectors/ (path from the `antom.vectors` system property, set by the pom). */
object Vectors {
    val dir: Path = Paths.get(System.getProperty("antom.vectors") ?: "../../tests/vectors").toAbsolutePath().normalize()

    fun load(name: String): JsonObject = JsonParser.parseString(Files.readString(dir.resolve(name))).asJsonObject

    fun readFile(rel: String): String = Files.readString(dir.resolve(rel))

    /** A vector "text": a string, or {"prefix", "repeat", "count", "suffix"}. */
    fun text(value: JsonElement): String {
        if (value.isJsonPrimitive) return value.asString
        val o = value.asJsonObject
        fun part(k: String) = if (o.has(k)) o[k].asString else ""
        return part("prefix") + part("repeat").repeat(o["count"].asInt) + part("suffix")
    }

    /** A case's operation: hostile.json's cases each name their own (the file's is `"hostile"`). */
    fun operation(fileOperation: String, case: JsonObject): String =
        if (fileOperation == "hostile") case["operation"].asString else fileOperation
}

/** Runs one vector operation through the public API; returns the fields to compare with `expect`. */
object VectorRunner {
    private fun JsonObject.str(k: String): String = this[k].asString

    /** Neither `private_key_file` nor `api_key`: a verify-only client. */
    private fun client(config: JsonObject, signer: Signer? = null, merchantPublicKey: PublicKey? = null): Client {
        // `antom_keys`: a key ring (tags optional); else one `antom_public_key_file`.
        val ring = config["antom_keys"]?.asJsonArray?.map {
            val member = it.asJsonObject
            AntomKey(PublicKey(Vectors.readFile(member.str("key_file"))), member["key_version"]?.asLong)
        }
        return Client(
            clientId = config.str("client_id"),
            antomPublicKey = if (ring == null) PublicKey(Vectors.readFile(config.str("antom_public_key_file"))) else null,
            antomPublicKeys = ring,
            privateKey = if (config.has("private_key_file")) PrivateKey(Vectors.readFile(config.str("private_key_file"))) else null,
            apiKey = if (config.has("api_key")) config.str("api_key") else null,
            region = if (config.has("region")) Region.parse(config.str("region")) else null,
            environment = if (config.has("environment")) Environment.parse(config.str("environment")) else null,
            gatewayUrl = if (config.has("gateway_url")) config.str("gateway_url") else null,
            keyVersion = if (config.has("key_version")) config["key_version"].asLong else null,
            agentToken = if (config.has("agent_token")) config.str("agent_token") else null,
            maxBodyBytes = if (config.has("max_body_bytes")) config["max_body_bytes"].asLong else null,
            signer = signer,
            merchantPublicKey = merchantPublicKey,
        )
    }

    private fun headers(value: JsonElement): List<Pair<String, String>> =
        value.asJsonArray.map { it.asJsonArray[0].asString to Vectors.text(it.asJsonArray[1]) }

    private fun body(input: JsonObject): ByteArray =
        if (input.has("body_base64")) Base64.getDecoder().decode(input.str("body_base64"))
        else Vectors.text(input["body"]).toByteArray(Charsets.UTF_8)

    /** `verified_by` as the vectors write it. */
    private fun keyId(id: KeyId?): Map<String, Any?>? =
        id?.let { mapOf("key_version" to it.keyVersion, "fingerprint" to it.fingerprint) }

    private fun hex(bytes: ByteArray) = bytes.joinToString("") { "%02x".format(it) }

    fun run(operation: String, input: JsonObject): Map<String, Any?> = when (operation) {
        "parse_key" -> {
            val private = input.str("kind") == "private"
            val public = if (input.has("der_base64")) {
                val der = Base64.getDecoder().decode(input.str("der_base64"))
                if (private) PrivateKey.fromDer(der).publicKey() else PublicKey.fromDer(der)
            } else {
                val text = if (input.has("text_file")) Vectors.readFile(input.str("text_file")) else Vectors.text(input["text"])
                if (private) PrivateKey(text).publicKey() else PublicKey(text)
            }
            mapOf("bits" to public.bits.toLong(), "public_key_base64" to public.toBase64())
        }
        "content_to_sign" -> {
            val content = contentToSign(
                input.str("method"), input.str("path"), input.str("client_id"), input.str("time"), Vectors.text(input["body"]),
            )
            val bytes = content.toByteArray(Charsets.UTF_8)
            mapOf(
                "content" to content,
                "content_sha256" to hex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                "content_length" to bytes.size.toLong(),
            )
        }
        "sign" -> {
            val key = PrivateKey(Vectors.readFile(input.str("private_key_file")))
            val signature = key.sign(Vectors.text(input["content"]))
            val raw = signature.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")
            mapOf("signature" to signature, "signature_base64" to raw)
        }
        "verify" -> {
            val key = PublicKey(Vectors.readFile(input.str("public_key_file")))
            mapOf("valid" to key.verify(Vectors.text(input["content"]), Vectors.text(input["signature"])))
        }
        "signature_header" -> if (input.has("parse")) {
            val h = parseSignatureHeader(Vectors.text(input["parse"]))
            mapOf("algorithm" to h.algorithm, "key_version" to h.keyVersion, "signature" to h.signature)
        } else {
            val f = input["format"].asJsonObject
            mapOf("header" to formatSignatureHeader(f["key_version"].asLong, f.str("signature")))
        }
        "prepare" -> {
            val config = input["config"].asJsonObject
            val requestTime = input["request_time"].asLong
            // body_base64: bytes that are not UTF-8, passed as bytes; a text body as a String.
            val merchant = client(config)
            val r = if (input.has("body_base64")) merchant.prepare(input.str("api"), body(input), requestTime)
            else merchant.prepare(input.str("api"), Vectors.text(input["body"]), requestTime)
            // The signed stage, rebuilt from the outputs: it must match the generator's.
            val content = contentToSign(r.method, r.path, config.str("client_id"), requestTime.toString(), r.body)
            mapOf(
                "method" to r.method, "url" to r.url, "path" to r.path,
                "headers" to r.headers.map { listOf(it.first, it.second) }, "body" to r.body, "content" to content,
            )
        }
        "verify_response" -> {
            val sent = body(input)
            val r = client(input["config"].asJsonObject).verifyResponse(input.str("path"), headers(input["headers"]), sent)
            check(r.body.contentEquals(sent)) { "the response body is not the bytes that were verified" }
            mapOf(
                "verified" to r.verified, "result_status" to r.resultStatus.code, "result_code" to r.resultCode,
                "result_message" to r.resultMessage, "next_action" to r.nextAction.name, "outcome" to r.outcome.name,
                "verified_by" to keyId(r.verifiedBy),
            )
        }
        "verify_notification" -> {
            val sent = body(input)
            val freshness = input["freshness"]?.asJsonObject
            val n = client(input["config"].asJsonObject).verifyNotification(
                input.str("path"), headers(input["headers"]), sent,
                maxAgeMs = freshness?.get("max_age_ms")?.asLong, nowMs = freshness?.get("now_ms")?.asLong,
            )
            check(n.body.contentEquals(sent)) { "the notification body is not the bytes that were verified" }
            mapOf(
                "notify_type" to n.notifyType, "result_status" to n.resultStatus?.code, "outcome" to n.outcome.name,
                "client_id" to n.clientId, "request_time" to n.requestTime, "dedup_key" to n.dedupKey,
                "verified_by" to keyId(n.verifiedBy),
            )
        }
        "amount" -> if (input.has("to_minor_units")) {
            val t = input["to_minor_units"].asJsonObject
            mapOf("value" to toMinorUnits(t.str("amount"), t.str("currency")))
        } else {
            val f = input["from_minor_units"].asJsonObject
            mapOf("amount" to fromMinorUnits(f.str("value"), f.str("currency")))
        }
        "endpoint" -> when (val e = endpoint(input.str("name"))) {
            null -> mapOf("found" to false)
            else -> mapOf("path" to e.path, "group" to e.group, "found" to true)
        }
        "prepare_external" -> prepareExternal(input)
        "fingerprint" -> {
            val text = Vectors.readFile(input.str("key_file"))
            val key = if (input.str("kind") == "private") PrivateKey(text).publicKey() else PublicKey(text)
            mapOf("fingerprint" to key.fingerprint)
        }
        "retry" -> retryCase(input)
        "mask_body" -> mapOf("masked" to maskBody(body(input)))
        else -> error("unknown operation $operation")
    }

    /**
     * retry.json through [RetryPolicy]: its check (made by the constructor), the attempt
     * timeouts, the decisions and the span names.
     */
    private fun retryCase(input: JsonObject): Map<String, Any?> {
        val step = input.str("step")
        if (step == "span_name") return mapOf("span_name" to spanName(input.str("path")))
        val p = input["policy"].asJsonObject
        val policy = RetryPolicy(
            maxAttempts = p["max_attempts"].asInt,
            initialBackoffMs = p["initial_backoff_ms"].asLong,
            maxBackoffMs = p["max_backoff_ms"].asLong,
            attemptTimeoutMs = p["attempt_timeout_ms"].asLong,
            deadlineMs = p["deadline_ms"].asLong,
            retryWithoutIdempotencyKey = p["retry_without_idempotency_key"].asBoolean,
        )
        val elapsed = input["elapsed_ms"]?.asLong ?: 0L
        return when (step) {
            "check" -> mapOf("valid" to true)
            "attempt_timeout" -> mapOf("timeout_ms" to policy.attemptTimeoutMs(elapsed))
            "decide" -> {
                val f = input["failure"].asJsonObject
                val failure = when (f.str("kind")) {
                    "transport" -> AttemptFailure.Transport
                    "timeout" -> AttemptFailure.Timeout
                    "http_status" -> AttemptFailure.HttpStatus(f["status"].asInt)
                    else -> error("unknown failure kind ${f.str("kind")}")
                }
                val random = input["random"].asBigInteger.longValueExact() // up to 2^53 - 1: fits a Long
                val decision = policy.decide(
                    input.str("path"), Vectors.text(input["body"]).toByteArray(Charsets.UTF_8),
                    input["attempt"].asInt, elapsed, failure, random,
                )
                mapOf("retry" to decision.retry, "delay_ms" to decision.delayMs, "reason" to decision.reason)
            }
            else -> error("unknown retry step $step")
        }
    }

    /**
     * external_signer.json: [Client.prepare] with a [Signer] lambda that returns the vector's
     * signature (made by the generator with OpenSSL), then the same through
     * [Client.prepareExternal] / [Client.finishExternal]: both must agree.
     */
    private fun prepareExternal(input: JsonObject): Map<String, Any?> {
        val config = input["config"].asJsonObject
        val signature = input["signature_base64"]?.asString?.let { Base64.getDecoder().decode(it) }
        val asked = mutableListOf<SigningRequest>()
        val merchant = config["merchant_public_key_file"]?.asString?.let { PublicKey(Vectors.readFile(it)) }
        val client = client(config, Signer { request ->
            asked += request
            signature ?: error("the signer was called for a request step 1 refuses")
        }, merchant)
        val body = Vectors.text(input["body"])
        val time = input["request_time"].asLong
        val finish: Map<String, Any?> = try {
            val r = client.prepare(input.str("api"), body, time)
            mapOf("method" to r.method, "url" to r.url, "path" to r.path,
                "headers" to r.headers.map { listOf(it.first, it.second) }, "body" to r.body)
        } catch (e: AntomException) {
            if (e.code != AntomException.SIGNING_FAILED) throw e // step 1 refused: the case's error
            check(asked.size == 1) { "step 2 failed with ${e.code} (asked ${asked.size}x)" }
            val head = input.str("signature_base64").take(16)
            check(head.length < 16 || !e.toString().contains(head)) { "the signature is in the error" }
            mapOf("error" to e.code)
        }
        check(asked.size == 1) { "the signer was asked ${asked.size} times" }
        val pending = asked[0]
        check(pending.digest.contentEquals(MessageDigest.getInstance("SHA-256").digest(pending.message))) { "digest" }
        val twoStep = client.prepareExternal(input.str("api"), body, time)
        check(twoStep.message.contentEquals(pending.message)) { "prepareExternal gives another message" }
        val again = try {
            client.finishExternal(twoStep, signature!!).headers.map { listOf(it.first, it.second) }
        } catch (e: AntomException) {
            mapOf("error" to e.code)
        }
        check(again == (finish["headers"] ?: finish)) { "finishExternal disagrees with prepare" }
        return mapOf(
            "message" to String(pending.message, Charsets.UTF_8),
            "digest_hex" to hex(pending.digest),
            "finish" to finish,
        )
    }

    /** Converts a JSON expectation value to the Kotlin shape [run] produces. */
    fun plain(value: JsonElement): Any? = when {
        value is JsonNull -> null
        value.isJsonArray -> value.asJsonArray.map { plain(it) }
        value.isJsonObject -> value.asJsonObject.entrySet().associate { (k, v) -> k to plain(v) }
        value.asJsonPrimitive.isBoolean -> value.asBoolean
        value.asJsonPrimitive.isNumber -> value.asLong
        else -> value.asString
    }

    /**
     * Every string form of an error a user may log: its message, `code: message`, `toString()`
     * and the stack trace a logger prints (causes included).
     */
    private fun errorTexts(e: AntomException): List<String> =
        listOf(e.message.orEmpty(), "${e.code}: ${e.message}", e.toString(), e.localizedMessage.orEmpty(), e.stackTraceToString())

    /**
     * `null` when the case passes, else why it failed. An error's text must contain none of the
     * case's `forbidden` substrings (hostile.json).
     */
    fun check(operation: String, case: JsonObject): String? {
        val id = case["id"].asString
        val expect = case["expect"].asJsonObject
        val forbidden = case["forbidden"]?.asJsonArray?.map { it.asString }.orEmpty()
        val outcome = try {
            Result.success(run(operation, case["input"].asJsonObject))
        } catch (e: AntomException) {
            Result.failure(e)
        }
        val wantError = expect["error"]?.asString
        val error = outcome.exceptionOrNull() as AntomException?
        if (error != null) {
            for (text in errorTexts(error)) {
                val leak = forbidden.firstOrNull { text.contains(it) }
                if (leak != null) return "$id: the error text contains \"$leak\": ${text.take(300)}"
            }
        }
        return when {
            wantError != null && error != null ->
                if (error.code == wantError && error.message!!.startsWith("$wantError:")) null
                else "$id: expected error $wantError, got ${error.code} (${error.message})"
            wantError != null -> "$id: expected error $wantError, got ${outcome.getOrNull()}"
            error != null -> "$id: unexpected error ${error.message}"
            else -> {
                val got = outcome.getOrThrow()
                expect.entrySet().firstNotNullOfOrNull { (key, want) ->
                    if (!got.containsKey(key) || got[key] != plain(want)) "$id: field $key: expected $want, got ${got[key]}" else null
                }
            }
        }
    }
}
