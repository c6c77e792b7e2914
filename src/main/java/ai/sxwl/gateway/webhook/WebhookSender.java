package ai.sxwl.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.tracing.TracingPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/**
 * Sends one signed attempt on the non-blocking Vert.x client: to the address the guard checked (the URL's host still
 * names the Host header and TLS server name), no redirects followed. A hostile receiver costs at most the attempt's
 * deadline: the whole exchange (connect, send, every byte of the answer) must end within it, and only the first
 * 1 KiB of the answer is read — the connection is dropped after that, however large or slow the rest.
 */
@ApplicationScoped
public class WebhookSender {

    static final int EXCERPT_BYTES = 1024;

    private final Vertx vertx;
    private final HttpClient client;

    WebhookSender(Vertx vertx, WebhooksConfig config) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.timeout().toMillis())
                .setMaxPoolSize(config.maxInFlightPerEndpoint())
                .setKeepAlive(true)
                .setVerifyHost(true)
                // The attempt's span and traceparent header are AttemptSpans' own: the client adds none of its own.
                .setTracingPolicy(TracingPolicy.IGNORE));
    }

    /** The answer: status, Retry-After header, the start of the body (as text that any database can store). */
    record Answer(int status, String retryAfter, String excerpt) {
    }

    Future<Answer> send(String url, InetAddress address, String messageId, long timestamp, String signature,
                        String body, String traceparent, long deadlineMs) {
        URI uri = URI.create(url);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (https ? 443 : 80);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setFollowRedirects(false)
                .setTimeout(deadlineMs)
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "sxwl-gateway-webhooks/1")
                .putHeader("webhook-id", messageId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signature);
        if (traceparent != null) {
            options.putHeader("traceparent", traceparent);
        }
        Promise<Answer> answer = Promise.promise();
        long timer = vertx.setTimer(deadlineMs, id -> answer.tryFail(
                new TimeoutException("no complete answer within " + deadlineMs + " ms")));
        answer.future().onComplete(done -> vertx.cancelTimer(timer));
        client.request(options).onFailure(answer::tryFail).onSuccess(request -> {
            answer.future().onFailure(failure -> request.reset()); // past the deadline: give the connection up
            request.send(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))).onFailure(answer::tryFail)
                    .onSuccess(response -> {
                        Buffer excerpt = Buffer.buffer();
                        response.exceptionHandler(answer::tryFail);
                        response.handler(chunk -> {
                            int room = EXCERPT_BYTES - excerpt.length();
                            if (room > 0) {
                                excerpt.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
                            }
                            if (excerpt.length() >= EXCERPT_BYTES && answer.tryComplete(answerOf(response, excerpt))) {
                                request.reset(); // the rest is not read
                            }
                        });
                        response.endHandler(done -> answer.tryComplete(answerOf(response, excerpt)));
                    });
        });
        return answer.future();
    }

    private static Answer answerOf(HttpClientResponse response, Buffer excerpt) {
        return new Answer(response.statusCode(), response.getHeader("retry-after"),
                printable(excerpt.toString(StandardCharsets.UTF_8)));
    }

    /** Control characters (NUL above all: PostgreSQL cannot store it) become U+FFFD; tabs and newlines stay. */
    static String printable(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> clean.appendCodePoint(
                (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ? 0xfffd : c));
        return clean.toString();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
