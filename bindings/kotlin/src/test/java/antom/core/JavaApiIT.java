package antom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API from plain Java: constructors, builder, checked AntomException, static functions. */
class JavaApiIT {
    private static final Path VECTORS = Paths.get(System.getProperty("antom.vectors"));

    private static String key(String name) throws Exception {
        return Files.readString(VECTORS.resolve("keys").resolve(name));
    }

    @Test
    void roundTrip() throws Exception {
        PrivateKey merchant = new PrivateKey(key("TEST-ONLY-merchant.private.pkcs8.b64"));
        PublicKey antom = new PublicKey(key("TEST-ONLY-antom.public.spki.b64"));
        assertEquals(2048, merchant.getBits());

        Client client = new Client("SANDBOX_5X00000000000000", antom, merchant);
        assertEquals(Environment.SANDBOX, client.getEnvironment());

        byte[] body = "{\"paymentRequestId\":\"pay_1\"}".getBytes(StandardCharsets.UTF_8);
        PreparedRequest request = client.prepare("v1/payments/inquiryPayment", body, 1685599933871L);
        assertEquals("POST", request.getMethod());
        assertEquals("/ams/sandbox/api/v1/payments/inquiryPayment", request.getPath());
        assertEquals("1685599933871", request.headerMap().get("Request-Time"));
        String content = Antom.contentToSign("POST", request.getPath(), "SANDBOX_5X00000000000000", "1685599933871", request.getBody());
        String signature = Antom.parseSignatureHeader(request.headerMap().get("Signature")).getSignature();
        assertTrue(merchant.publicKey().verify(content, signature));

        // A response "from Antom": unsigned F, headers as a Map, body as bytes.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        byte[] failed = "{\"result\":{\"resultStatus\":\"F\",\"resultCode\":\"ORDER_NOT_EXIST\",\"resultMessage\":\"no\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ApiResponse response = client.verifyResponse(request.getPath(), headers, failed);
        assertFalse(response.getVerified());
        assertFalse(response.isSuccess());
        assertEquals(NextAction.INQUIRE, response.getNextAction()); // unverified: never a final failure
        assertEquals("ORDER_NOT_EXIST", response.getResultCode());

        // An unsigned S is refused, with a stable code.
        try {
            client.verifyResponse(request.getPath(), headers, "{\"result\":{\"resultStatus\":\"S\"}}");
            fail("an unsigned S response must be refused");
        } catch (AntomException e) {
            assertEquals(AntomException.UNSIGNED_RESPONSE, e.getCode());
        }
    }

    @Test
    void builderAndFunctions() throws Exception {
        Client client = Client.builder("5J5YEX4C2YQK01523", new PublicKey(key("TEST-ONLY-antom.public.spki.b64")))
                .apiKey("irak_TEST_VEVTVC1PTkxZ_not-a-real-secret_0123456789")
                .region(Region.EUROPE)
                .build();
        assertTrue(client.getUsesApiKey());
        Client verifyOnly = Client.builder("5J5YEX4C2YQK01523", new PublicKey(key("TEST-ONLY-antom.public.spki.b64"))).build();
        assertTrue(verifyOnly.isVerifyOnly());
        try {
            verifyOnly.prepare("v1/payments/pay", "{}");
            fail("a verify-only client cannot prepare");
        } catch (AntomException e) {
            assertEquals(AntomException.INVALID_INPUT, e.getCode());
        }
        assertEquals("1050", Antom.toMinorUnits("10.50", "USD"));
        assertEquals("10.50", Antom.fromMinorUnits("1050", "USD"));
        assertEquals(0, Antom.minorUnitExponent("JPY"));
        assertEquals("/ams/api/v1/payments/pay", Antom.endpoint("payments.pay").getPath());
        assertTrue(Antom.endpoints().size() > 100);
        assertTrue(Antom.NOTIFICATION_ACK.contains("SUCCESS"));
        try {
            new PrivateKey("not a key");
            fail();
        } catch (AntomException e) {
            assertEquals("INVALID_KEY", e.getCode());
        }
    }
}
