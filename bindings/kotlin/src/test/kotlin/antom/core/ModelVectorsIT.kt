package antom.core

import antom.core.models.AntomApis
import antom.core.models.CustomerCreateRequest
import antom.core.models.CustomerCreateResponse
import antom.core.models.CustomsDeclareResponse
import antom.core.models.ModelException
import antom.core.models.ModelJson
import antom.core.models.NotifyPaymentRequest
import antom.core.models.PayRequest
import antom.core.models.PayResponse
import antom.core.models.SubscriptionNotify
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files

/** The models' forward-compatibility vectors (crates/antom-models/vectors/models.json): every vector, and the count. */
class ModelVectorsIT {
    private val file = Vectors.dir.resolve("../../crates/antom-models/vectors/models.json").normalize()

    /** (the body written back, the top-level extra names) of `input` parsed as `model`. */
    private fun run(model: String, input: Map<String, Any?>): Pair<Map<String, Any?>, Set<String>> = when (model) {
        "SubscriptionNotify" -> SubscriptionNotify.fromMap(input).let { it.toMap() to it.extra.keys }
        "CustomsDeclareResponse" -> CustomsDeclareResponse.fromMap(input).let { it.toMap() to it.extra.keys }
        "PayRequest" -> PayRequest.fromMap(input).let { it.toMap() to it.extra.keys }
        "PayResponse" -> PayResponse.fromMap(input).let { it.toMap() to it.extra.keys }
        "NotifyPaymentRequest" -> NotifyPaymentRequest.fromMap(input).let { it.toMap() to it.extra.keys }
        else -> throw AssertionError("no runner for model $model")
    }

    @Test
    fun everyModelsVector() {
        @Suppress("UNCHECKED_CAST")
        val data = ModelJson.parse(Files.readString(file)) as Map<String, Any?>
        @Suppress("UNCHECKED_CAST")
        val cases = data["cases"] as List<Map<String, Any?>>
        var ran = 0
        for (case in cases) {
            val id = case["id"] as String
            @Suppress("UNCHECKED_CAST")
            val input = case["input"] as Map<String, Any?>
            @Suppress("UNCHECKED_CAST")
            val expected = case["expected"] as Map<String, Any?>
            if (expected["ok"] == true) {
                val (json, extra) = run(case["model"] as String, input)
                assertEquals(expected["json"], json, "$id: written back")
                assertEquals(expected["extra"], extra.sorted(), "$id: extra")
                @Suppress("UNCHECKED_CAST")
                for ((name, value) in expected["fields"] as Map<String, Any?>) assertEquals(value, json[name], "$id: $name")
            } else {
                val error = assertThrows<ModelException>(id) { run(case["model"] as String, input) }
                assertTrue(error.message!!.contains(expected["missing"] as String), "$id: ${error.message}")
            }
            ran++
        }
        assertEquals((data["count"] as Number).toInt(), ran, "every vector ran")
    }

    @Test
    fun typedCallsByName() {
        assertEquals("v1/payments/pay", AntomApis.PATHS["payments.pay"])
        assertEquals(PayRequest.API, AntomApis.PATHS["payments.pay"])
        assertEquals("v1/billing/customer/create", AntomApis.PATHS["billing.customer.create"])
        assertEquals(CustomerCreateRequest.API, AntomApis.PATHS["billing.customer.create"])
        assertEquals(169, AntomApis.PATHS.size)
        val reply = """{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":"p-1"}"""
        val pay = AntomApis.parseResponse("payments.pay", reply) as PayResponse
        assertEquals("p-1", pay.paymentId)
        val created = AntomApis.parseResponse("billing.customer.create", """{"customerId":"c-1"}""") as CustomerCreateResponse
        assertEquals("c-1", created.customerId)
        assertThrows<IllegalArgumentException> { AntomApis.parseResponse("payments.nope", "{}") }
    }
}
