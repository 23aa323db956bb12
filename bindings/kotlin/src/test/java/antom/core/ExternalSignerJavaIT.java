package antom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The external signer from plain Java: a lambda on the builder, checked exceptions, null. */
class ExternalSignerJavaIT {
    private static final Path VECTORS = Paths.get(System.getProperty("antom.vectors"));
    private static final String CLIENT_ID = "SANDBOX_5X00000000000000";
    private static final String BODY = "{\"paymentRequestId\":\"pay_java_kms\"}";

    private static String key(String name) throws Exception {
        return Files.readString(VECTORS.resolve("keys").resolve(name));
    }

    /** The JDK plays the KMS: SHA256withRSA with the throw-away merchant key. */
    private static java.security.PrivateKey jdkKey() throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(key("TEST-ONLY-merchant.private.pkcs8.b64").trim());
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    @Test
    void aJavaLambdaOnTheBuilder() throws Exception {
        java.security.PrivateKey kms = jdkKey();
        PublicKey merchantPublic = new PublicKey(key("TEST-ONLY-merchant.public.spki.b64"));
        PublicKey antom = new PublicKey(key("TEST-ONLY-antom.public.spki.b64"));
        Client client = Client.builder(CLIENT_ID, antom)
                .signer(request -> {
                    Signature s = Signature.getInstance("SHA256withRSA"); // throws checked exceptions
                    s.initSign(kms);
                    s.update(request.getMessage());
                    return s.sign();
                })
                .merchantPublicKey(merchantPublic)
                .build();
        PreparedRequest request = client.prepare("v1/payments/inquiryPayment", BODY, 1685599933871L);

        Client inProcess = new Client(CLIENT_ID, antom, new PrivateKey(key("TEST-ONLY-merchant.private.pkcs8.b64")));
        assertEquals(inProcess.prepare("v1/payments/inquiryPayment", BODY, 1685599933871L).getHeaders(), request.getHeaders());
        String content = Antom.contentToSign("POST", request.getPath(), CLIENT_ID, "1685599933871", request.getBody());
        String signature = Antom.parseSignatureHeader(request.headerMap().get("Signature")).getSignature();
        assertTrue(merchantPublic.verify(content, signature));
    }

    @Test
    void aCheckedExceptionIsTheCause() throws Exception {
        SignatureException kmsDown = new SignatureException("KMS unavailable");
        Client client = Client.builder(CLIENT_ID, new PublicKey(key("TEST-ONLY-antom.public.spki.b64")))
                .signer(request -> { throw kmsDown; })
                .build();
        AntomException e = assertThrows(AntomException.class, () -> client.prepare("v1/payments/pay", BODY));
        assertEquals(AntomException.SIGNING_FAILED, e.getCode());
        assertSame(kmsDown, e.getCause());
    }

    @Test
    void nullIsSigningFailed() throws Exception {
        Client client = Client.builder(CLIENT_ID, new PublicKey(key("TEST-ONLY-antom.public.spki.b64")))
                .signer(request -> null)
                .build();
        AntomException e = assertThrows(AntomException.class, () -> client.prepare("v1/payments/pay", BODY));
        assertEquals(AntomException.SIGNING_FAILED, e.getCode());
        assertTrue(e.getMessage().contains("null"));
    }
}
