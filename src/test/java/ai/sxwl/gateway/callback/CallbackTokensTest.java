package ai.sxwl.gateway.callback;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallbackTokensTest {

    private final CallbackTokens tokens = new CallbackTokens(secret("a-secret-of-at-least-32-characters!!"));

    @Test
    void aMintedTokenNamesItsSubmission() {
        String token = tokens.mint("sub123");
        assertTrue(token.startsWith("sub123."));
        assertEquals("sub123", tokens.verify(token).orElseThrow());
    }

    @Test
    void tokensDifferPerSubmissionAndPerSecret() {
        assertNotEquals(tokens.mint("sub1"), tokens.mint("sub2"));
        CallbackTokens other = new CallbackTokens(secret("another-secret-of-at-least-32-chars!!"));
        assertNotEquals(tokens.mint("sub1"), other.mint("sub1"));
        assertTrue(other.verify(tokens.mint("sub1")).isEmpty(), "a token of another secret is refused");
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token = tokens.mint("sub123");
        String otherSubmission = "sub124" + token.substring("sub123".length());
        assertTrue(tokens.verify(otherSubmission).isEmpty(), "signature of another submission");
        char last = token.charAt(token.length() - 1);
        String flipped = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertTrue(tokens.verify(flipped).isEmpty(), "changed signature");
        assertTrue(tokens.verify(token.substring(0, token.length() - 4)).isEmpty(), "truncated signature");
    }

    @Test
    void malformedTokensAreRefused() {
        assertTrue(tokens.verify("").isEmpty());
        assertTrue(tokens.verify("no-dot-at-all").isEmpty());
        assertTrue(tokens.verify(".signatureonly").isEmpty());
        assertTrue(tokens.verify("sub123.not base64!").isEmpty());
        assertTrue(tokens.verify("x".repeat(40) + "." + tokens.mint("x".repeat(40)).split("\\.")[1]).isEmpty(),
                "submission ids are at most 32 characters");
    }

    private static byte[] secret(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
