package ai.sxwl.gateway.edge;

import ai.sxwl.gateway.problem.Problem;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;

/**
 * Refuses a request whose raw path holds a dot segment ({@code ..} or {@code .}, plain or percent-encoded) or an
 * encoded slash or backslash, with a 400 problem, before any route or filter sees it. Vert.x normalises the path
 * before routing ({@code /callbacks/%2e%2e/q/metrics} is routed as {@code /q/metrics}), so a filter or an edge proxy
 * that trusts the prefix {@code /callbacks/} could otherwise be walked past; no honest client sends such a path.
 */
@ApplicationScoped
public class PathGuard {

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            if (isTraversal(context.request().uri())) {
                context.response().setStatusCode(400).putHeader("content-type", Problem.MEDIA_TYPE)
                        .end("{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                                + "\"detail\":\"The path holds a dot segment or an encoded slash.\"}");
                return;
            }
            context.next();
        });
    }

    /** The raw request target, as the client sent it (query excluded). */
    static boolean isTraversal(String uri) {
        String path = uri;
        int end = indexOfAny(path, '?', '#');
        if (end >= 0) {
            path = path.substring(0, end);
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\")) {
            return true;
        }
        for (String segment : lower.replace("%2e", ".").split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfAny(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
