package ai.sxwl.gateway.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** The console session of the current request: its tenant, the CSRF token its forms must carry, its language. */
@RequestScoped
public class ConsoleUser {

    private ConsoleSession.SignedIn signedIn;
    private Map<String, String> labels = Labels.forLanguage(null);
    private boolean secure;

    void set(ConsoleSession.SignedIn signedIn) {
        this.signedIn = signedIn;
    }

    void language(String acceptLanguage) {
        this.labels = Labels.forLanguage(acceptLanguage);
    }

    void secure(boolean secure) {
        this.secure = secure;
    }

    /** Whether the browser reached the console over https, directly or through a trusted proxy. */
    boolean secure() {
        return secure;
    }

    /** The words of the language the browser prefers. */
    Map<String, String> labels() {
        return labels;
    }

    String tenant() {
        return signedIn.tenant().name();
    }

    String csrf() {
        return signedIn.csrf();
    }

    /** A form post without this session's token is refused: another site cannot post as the signed-in user. */
    void checkCsrf(String given) {
        if (!ConsoleSession.equal(given, signedIn.csrf())) {
            throw new WebApplicationException(Response.status(403).entity("The form has expired; reload the page.")
                    .type("text/plain").build());
        }
    }
}
