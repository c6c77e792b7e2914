package ai.sxwl.gateway.webhook;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookSignerTest {

    @Test
    void aSignatureVerifiesWithTheSecretAndNothingElse() {
        String secret = WebhookSigner.newSecret();
        String header = WebhookSigner.signature("msg_1", 1_700_000_000L, "{\"a\":1}", secret);

        assertTrue(header.startsWith("v1,"));
        assertTrue(StandardWebhooksVerifier.verify(secret, "msg_1", "1700000000", "{\"a\":1}", header));
        assertFalse(StandardWebhooksVerifier.verify(secret, "msg_2", "1700000000", "{\"a\":1}", header));
        assertFalse(StandardWebhooksVerifier.verify(secret, "msg_1", "1700000001", "{\"a\":1}", header));
        assertFalse(StandardWebhooksVerifier.verify(secret, "msg_1", "1700000000", "{\"a\":2}", header));
        assertFalse(StandardWebhooksVerifier.verify(WebhookSigner.newSecret(), "msg_1", "1700000000", "{\"a\":1}",
                header));
    }

    @Test
    void theSpecsOwnExampleVectorVerifies() {
        // The Standard Webhooks reference example: this secret, id, timestamp and payload sign to this value.
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String header = WebhookSigner.signature("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}", secret);
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", header);
    }

    @Test
    void duringARotationBothSecretsSign() {
        String current = WebhookSigner.newSecret();
        String previous = WebhookSigner.newSecret();
        String header = WebhookSigner.signature("msg_1", 5L, "{}", current, previous);

        assertEquals(2, header.split(" ").length);
        assertTrue(StandardWebhooksVerifier.verify(current, "msg_1", "5", "{}", header.split(" ")[0]));
        assertTrue(StandardWebhooksVerifier.verify(previous, "msg_1", "5", "{}", header.split(" ")[1]));
    }

    @Test
    void secretsAreWhsecAndAtLeast24RandomBytes() {
        String secret = WebhookSigner.newSecret();
        assertTrue(secret.startsWith("whsec_"));
        assertTrue(Base64.getDecoder().decode(secret.substring(6)).length >= 24);
    }
}
