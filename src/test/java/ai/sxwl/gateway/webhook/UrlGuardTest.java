package ai.sxwl.gateway.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrlGuardTest {

    private final UrlGuard strict = new UrlGuard(false, InetAddress::getAllByName);
    private final UrlGuard permissive = new UrlGuard(true, InetAddress::getAllByName);

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/",
            "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.10.10/", "http://100.64.0.1/",
            "http://224.0.0.1/", "http://0.0.0.0/", "http://[::1]/", "http://[fe80::1]/", "http://[fd00::1]/",
            "http://169.254.169.254/latest/meta-data"})
    void privateLoopbackLinkLocalCgnatMulticastAndMetadataAreRefused(String url) {
        assertFalse(strict.resolve(url).isAllowed(), url);
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefused() {
        UrlGuard.Resolution resolution = strict.resolve("http://localhost/hook");
        assertFalse(resolution.isAllowed());
        assertTrue(resolution.refusal().contains("loopback"), resolution.refusal());
    }

    @Test
    void theMetadataAddressIsRefusedEvenWhenPrivateAddressesAreAllowed() {
        assertTrue(permissive.resolve("http://127.0.0.1/hook").isAllowed());
        assertTrue(permissive.resolve("http://10.0.0.1/hook").isAllowed());
        assertFalse(permissive.resolve("http://169.254.169.254/latest/meta-data").isAllowed());
    }

    @Test
    void aPublicAddressIsAllowed() {
        assertTrue(strict.resolve("https://93.184.216.34/hook").isAllowed());
    }

    @Test
    void everyLookupIsCheckedAgainSoDnsRebindingIsCaught() {
        AtomicInteger lookups = new AtomicInteger();
        UrlGuard guard = new UrlGuard(false, host -> new InetAddress[]{InetAddress.getByName(
                lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")});
        assertTrue(guard.resolve("https://rebinding.example/hook").isAllowed(), "at subscription time");
        assertFalse(guard.resolve("https://rebinding.example/hook").isAllowed(), "at delivery time");
    }

    @Test
    void anyRefusedAddressAmongSeveralRefusesTheHost() {
        UrlGuard guard = new UrlGuard(false, host -> new InetAddress[]{InetAddress.getByName("93.184.216.34"),
                InetAddress.getByName("10.0.0.5")});
        assertFalse(guard.resolve("https://mixed.example/").isAllowed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/", "example.com/hook", "/relative", "javascript:alert(1)",
            "https://user:pw@example.com/", ""})
    void onlyAbsoluteHttpUrlsWithoutCredentials(String url) {
        assertTrue(strict.syntaxProblem(url).isPresent(), url);
    }

    @Test
    void urlsAreAtMost2048Characters() {
        String base = "https://93.184.216.34/";
        assertTrue(strict.syntaxProblem(base + "x".repeat(2049 - base.length())).isPresent());
        assertFalse(strict.syntaxProblem(base + "x".repeat(2048 - base.length())).isPresent());
    }

    @Test
    void anUnresolvableHostIsRefused() {
        UrlGuard guard = new UrlGuard(false, host -> {
            throw new UnknownHostException(host);
        });
        assertFalse(guard.resolve("https://no-such-host.example/").isAllowed());
    }
}
