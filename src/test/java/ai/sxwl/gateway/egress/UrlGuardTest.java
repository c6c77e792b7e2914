package ai.sxwl.gateway.egress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrlGuardTest {

    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(5);
    private final UrlGuard strict = new UrlGuard(false, InetAddress::getAllByName, DNS_TIMEOUT);
    private final UrlGuard permissive = new UrlGuard(true, InetAddress::getAllByName, DNS_TIMEOUT);

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/",
            "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.10.10/", "http://100.64.0.1/",
            "http://224.0.0.1/", "http://0.0.0.0/", "http://[::1]/", "http://[fe80::1]/", "http://[fd00::1]/",
            "http://169.254.169.254/latest/meta-data", "http://198.18.0.1/", "http://198.19.255.1/",
            "http://0.1.2.3/", "http://240.0.0.1/", "http://255.255.255.255/", "http://[fec0::1]/",
            "http://[ff02::1]/", "http://[::]/",
            // IPv6 forms that carry a private IPv4 address are judged by it
            "http://[::ffff:10.0.0.1]/", "http://[::10.0.0.1]/", "http://[64:ff9b::7f00:1]/",
            "http://[2002:c0a8:101::1]/"})
    void privateLoopbackLinkLocalCgnatBenchmarkingMulticastAndReservedAreRefused(String url) {
        assertFalse(strict.resolve(url).isAllowed(), url);
    }

    /**
     * The attacks of issue 18 and their relatives: every IPv6 form that carries an IPv4 address, with the address it
     * hides, and whether it is refused with private addresses allowed (metadata) or only without (private).
     */
    @ParameterizedTest(name = "{0} hides {1}")
    @CsvSource(delimiter = '|', value = {
            // form                                  | hidden IPv4       | refused even when private is allowed
            "::ffff:169.254.169.254                  | 169.254.169.254  | true",  // IPv4-mapped
            "::a9fe:a9fe                             | 169.254.169.254  | true",  // IPv4-compatible
            "::ffff:0:a9fe:a9fe                      | 169.254.169.254  | true",  // SIIT ::ffff:0:0/96
            "::ffff:0:7f00:1                         | 127.0.0.1        | false",
            "64:ff9b::a9fe:a9fe                      | 169.254.169.254  | true",  // NAT64 well-known /96
            "64:ff9b::6464:64c8                      | 100.100.100.200  | true",
            "64:ff9b:1::a9fe:a9fe                    | 169.254.169.254  | true",  // RFC 8215 local use, a /96 in it
            "64:ff9b:1::7f00:1                       | 127.0.0.1        | false",
            "64:ff9b:1:a9fe:00a9:fe00::              | 169.254.169.254  | true",  // RFC 8215, prefix /48 (RFC 6052)
            "64:ff9b:1:7f:0:1::                      | 127.0.0.1        | false", // RFC 8215, prefix /56
            "64:ff9b:1:0:a9:fea9:fe00:0              | 169.254.169.254  | true",  // RFC 8215, prefix /64
            "64:ff9b:1::                             | 0.0.0.0          | false",
            "2002:a9fe:a9fe::1                       | 169.254.169.254  | true",  // 6to4
            "2002:7f00:1::                           | 127.0.0.1        | false",
            "2001:0:4136:e378:8000:63bf:5601:5601    | 169.254.169.254  | true",  // Teredo, client inverted
            "2001:0:4136:e378:8000:63bf:80ff:fffe    | 127.0.0.1        | false",
    })
    void everyIpv6FormThatCarriesAnIpv4AddressIsJudgedByIt(String form, String hidden, boolean metadata) {
        String url = "http://[" + form + "]:8080/hook";
        assertFalse(strict.resolve(url).isAllowed(), url + " hides " + hidden);
        assertEquals(!metadata, permissive.resolve(url).isAllowed(), url + " hides " + hidden);
        // and the table is right about the IPv4 address itself
        assertFalse(strict.resolve("http://" + hidden + "/").isAllowed(), hidden);
        assertEquals(!metadata, permissive.resolve("http://" + hidden + "/").isAllowed(), hidden);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://[64:ff9b:1::5db8:d822]/", "https://[64:ff9b:1:5db8:d8:2200::]/",
            "https://[2001:0:4136:e378:8000:63bf:a247:29dd]/", "https://[2002:5db8:d822::1]/"})
    void theSameFormsCarryingAPublicAddressAreAllowed(String url) {
        assertTrue(strict.resolve(url).isAllowed(), url);
    }

    @Test
    void everyRefusalAfterTheSyntaxSaysTheSameWhateverTheCause() {
        UrlGuard nowhere = new UrlGuard(false, host -> {
            throw new UnknownHostException(host);
        }, DNS_TIMEOUT);
        UrlGuard empty = new UrlGuard(false, host -> new InetAddress[0], DNS_TIMEOUT);
        UrlGuard internal = new UrlGuard(false, host -> new InetAddress[]{InetAddress.getByName("10.0.0.7")},
                DNS_TIMEOUT);
        String url = "https://db.internal.example/hook";
        String expected = strict.resolve("http://127.0.0.1/").refusal().replace("127.0.0.1", "db.internal.example");
        for (UrlGuard guard : List.of(nowhere, empty, internal)) {
            UrlGuard.Resolution resolution = guard.resolve(url);
            assertFalse(resolution.isAllowed());
            assertEquals(expected, resolution.refusal());
            assertEquals(Optional.of("is refused: " + expected), guard.targetProblem(url, true));
        }
        assertFalse(expected.contains("10.0.0.7"), expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://93.184.216.34:0/", "http://93.184.216.34:65536/", "http://93.184.216.34:99999/",
            "http://[2606:4700::1111]:70000/", "http://93.184.216.34:99999999999/"})
    void portsOutside1To65535AreRefusedWhenTheUrlIsGiven(String url) {
        assertTrue(strict.syntaxProblem(url).isPresent(), url);
        assertTrue(strict.targetProblem(url, false).isPresent(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://93.184.216.34:1/", "http://93.184.216.34:65535/", "http://93.184.216.34/"})
    void portsFrom1To65535AreFine(String url) {
        assertFalse(strict.syntaxProblem(url).isPresent(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data", "http://169.254.170.2/v2/credentials",
            "http://169.254.0.1/", "http://100.100.100.200/latest/meta-data", "http://[fd00:ec2::254]/",
            "http://[fe80::1]/", "http://[febf::1]/",
            // the same endpoints inside IPv6 forms: mapped, compatible, NAT64, 6to4
            "http://[::ffff:169.254.169.254]/", "http://[::169.254.169.254]/", "http://[64:ff9b::a9fe:a9fe]/",
            "http://[2002:a9fe:a9fe::1]/", "http://[64:ff9b::6464:64c8]/"})
    void cloudMetadataEndpointsAreRefusedEvenWhenPrivateAddressesAreAllowed(String url) {
        assertFalse(permissive.resolve(url).isAllowed(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://10.0.0.1/hook", "http://[::ffff:192.168.1.1]/",
            "http://198.18.0.1/", "http://[fd12::1]/"})
    void privateAddressesAreAllowedWhenConfigured(String url) {
        assertTrue(permissive.resolve(url).isAllowed(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.216.34/hook", "https://[2606:4700::1111]/",
            "https://[64:ff9b::5db8:d822]/", "https://[2002:5db8:d822::1]/"})
    void publicAddressesAreAllowedInEveryForm(String url) {
        assertTrue(strict.resolve(url).isAllowed(), url);
    }

    @Test
    void aLookupThatHangsIsRefusedAtTheDnsTimeoutAndTiesUpOneThreadWhateverTheCallers() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        UrlGuard guard = new UrlGuard(false, host -> {
            lookups.incrementAndGet();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        }, Duration.ofMillis(300));
        long started = System.nanoTime();
        List<CompletableFuture<UrlGuard.Resolution>> checks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            checks.add(guard.check("https://black-holed.example/hook").toCompletableFuture());
        }
        for (CompletableFuture<UrlGuard.Resolution> check : checks) {
            UrlGuard.Resolution resolution = check.get(5, TimeUnit.SECONDS);
            assertFalse(resolution.isAllowed());
            assertTrue(resolution.refusal().contains(UrlGuard.NOT_ALLOWED), resolution.refusal());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 2000, "refused after " + millis + " ms");
        assertEquals(1, lookups.get(), "one lookup in flight per host");
        never.countDown();
    }

    @Test
    void everyLookupIsCheckedAgainSoDnsRebindingIsCaught() {
        AtomicInteger lookups = new AtomicInteger();
        UrlGuard guard = new UrlGuard(false, host -> new InetAddress[]{InetAddress.getByName(
                lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")}, DNS_TIMEOUT);
        assertTrue(guard.resolve("https://rebinding.example/hook").isAllowed(), "at subscription time");
        assertFalse(guard.resolve("https://rebinding.example/hook").isAllowed(), "at delivery time");
    }

    @Test
    void anyRefusedAddressAmongSeveralRefusesTheHost() {
        UrlGuard guard = new UrlGuard(false, host -> new InetAddress[]{InetAddress.getByName("93.184.216.34"),
                InetAddress.getByName("10.0.0.5")}, DNS_TIMEOUT);
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
        }, DNS_TIMEOUT);
        assertFalse(guard.resolve("https://no-such-host.example/").isAllowed());
    }
}
