package ai.sxwl.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Sends one signed attempt on the non-blocking Vert.x client: to the address the {@link UrlGuard} checked (the URL's
 * host still names the Host header and TLS server name), no redirects followed, the whole attempt bounded by the
 * timeout, and at most 1 KiB of the answer kept.
 */
@ApplicationScoped
public class WebhookSender {

    static final int EXCERPT_BYTES = 1024;

    private final HttpClient client;
    private final long timeoutMs;

    WebhookSender(Vertx vertx, WebhooksConfig config) {
        this.timeoutMs = config.timeout().toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeoutMs)
                .setMaxPoolSize(config.maxInFlightPerEndpoint())
                .setKeepAlive(true)
                .setVerifyHost(true));
    }

    /** The answer: status, Retry-After header, the start of the body. */
    record Answer(int status, String retryAfter, String excerpt) {
    }

    Future<Answer> send(String url, InetAddress address, String messageId, long timestamp, String signature,
                        String body) {
        URI uri = URI.create(url);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (https ? 443 : 80);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setFollowRedirects(false)
                .setTimeout(timeoutMs)
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "sxwl-gateway-webhooks/1")
                .putHeader("webhook-id", messageId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signature);
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))))
                .compose(response -> {
                    Promise<Answer> answer = Promise.promise();
                    Buffer excerpt = Buffer.buffer();
                    response.handler(chunk -> {
                        int room = EXCERPT_BYTES - excerpt.length();
                        if (room > 0) {
                            excerpt.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
                        }
                    });
                    response.exceptionHandler(answer::tryFail);
                    response.endHandler(done -> answer.tryComplete(new Answer(response.statusCode(),
                            response.getHeader("retry-after"), excerpt.toString(StandardCharsets.UTF_8))));
                    return answer.future();
                });
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
