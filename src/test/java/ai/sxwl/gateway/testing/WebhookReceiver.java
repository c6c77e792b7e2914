package ai.sxwl.gateway.testing;

import com.github.tomakehurst.wiremock.WireMockServer;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** A webhook receiver for a test class: a WireMock server on a free port, running until the test JVM exits. */
public final class WebhookReceiver {

    private WebhookReceiver() {
    }

    public static WireMockServer started() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }
}
