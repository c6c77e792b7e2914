package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.UpstreamStatus;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.Problem.FieldError;
import ai.sxwl.gateway.problem.ProblemException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates a callback body by the rules of SPEC section 3: 64 KiB at most (413), a JSON object (400), then every
 * field rule at once (422 listing each violation). Unknown fields are allowed and kept in the raw body.
 */
@ApplicationScoped
public class CallbackParser {

    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_JOB_ID_LENGTH = 128;
    static final int MAX_URL_LENGTH = 4096;

    private final ObjectReader reader;

    CallbackParser(ObjectMapper mapper) {
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * @param idRequired false on the token route, where the token names the job and the real sender posts an empty
     *                   id on failure
     */
    public ParsedCallback parse(byte[] body, boolean idRequired) {
        if (body.length > MAX_BODY_BYTES) {
            throw ProblemException.of(413, "Content Too Large",
                    "A callback body is at most " + MAX_BODY_BYTES + " bytes; this one has " + body.length + ".");
        }
        JsonNode root = readObject(body);
        List<FieldError> errors = new ArrayList<>();
        String jobId = jobId(root, idRequired, errors);
        UpstreamStatus status = status(root, errors);
        String url = url(root, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The callback breaks " + errors.size() + " rule(s).", errors));
        }
        return new ParsedCallback(jobId, status, url, new String(body, StandardCharsets.UTF_8));
    }

    private JsonNode readObject(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : reader.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.of(400, "Bad Request", "The body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProblemException.of(400, "Bad Request", "The body cannot be read.");
        }
        if (root == null || !root.isObject()) {
            throw ProblemException.of(400, "Bad Request", "The body must be a JSON object.");
        }
        return root;
    }

    /** {@code job_id} (the document) or {@code jobId} (the real sender); both present must agree. */
    private static String jobId(JsonNode root, boolean required, List<FieldError> errors) {
        JsonNode snake = present(root, "job_id");
        JsonNode camel = present(root, "jobId");
        String field = snake != null ? "job_id" : "jobId";
        JsonNode node = snake != null ? snake : camel;
        if (snake != null && camel != null && !snake.equals(camel)) {
            errors.add(new FieldError("jobId", "job_id and jobId name different jobs"));
            return null;
        }
        if (node == null || (node.isTextual() && node.textValue().isEmpty())) {
            if (required) {
                errors.add(new FieldError("job_id", "is required: a job id (job_id or jobId)"));
            }
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String id = node.textValue();
        if (id.length() > MAX_JOB_ID_LENGTH || !isJobIdChars(id)) {
            errors.add(new FieldError(field, "must be 1-" + MAX_JOB_ID_LENGTH + " characters of A-Z a-z 0-9 . _ : -"));
            return null;
        }
        return id;
    }

    private static UpstreamStatus status(JsonNode root, List<FieldError> errors) {
        JsonNode node = present(root, "status");
        if (node == null) {
            errors.add(new FieldError("status", "is required"));
            return null;
        }
        UpstreamStatus status = node.isTextual() ? UpstreamStatus.fromWire(node.textValue()).orElse(null) : null;
        if (status == null) {
            errors.add(new FieldError("status", "must be one of success, fail, working"));
        }
        return status;
    }

    private static String url(JsonNode root, List<FieldError> errors) {
        JsonNode node = present(root, "url");
        if (node == null || (node.isTextual() && node.textValue().isEmpty())) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("url", "must be a string"));
            return null;
        }
        String url = node.textValue();
        if (url.length() > MAX_URL_LENGTH) {
            errors.add(new FieldError("url", "must be at most " + MAX_URL_LENGTH + " characters"));
        } else if (!isAbsoluteHttpUrl(url)) {
            errors.add(new FieldError("url", "must be an absolute http or https URL"));
        }
        return url;
    }

    /** The field's value, or null when it is absent or JSON null. */
    private static JsonNode present(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static boolean isJobIdChars(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isAbsoluteHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
