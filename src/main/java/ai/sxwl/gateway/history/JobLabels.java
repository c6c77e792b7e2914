package ai.sxwl.gateway.history;

import ai.sxwl.gateway.problem.Problem.FieldError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A job's labels: the caller's own names for it (experiment, MLflow or W&amp;B run, dataset version, git commit), kept
 * with the job and carried in every event. The rules are Kubernetes' label rules, so a label copied from a pod or an
 * Argo workflow fits unchanged:
 * <ul>
 *   <li>a key is a name of 1-63 characters, {@code [A-Za-z0-9]} at both ends and {@code [A-Za-z0-9._-]} between,
 *       optionally after a prefix and {@code /}: a DNS subdomain of at most 253 characters
 *       ({@code mlflow.org/run});</li>
 *   <li>a value is empty or follows the name rule (at most 63 characters);</li>
 *   <li>at most {@value #MAX_LABELS} labels per job.</li>
 * </ul>
 * Neither keys nor values can hold {@code ,} or {@code =}, so the header form {@code k=v,k2=v2} is unambiguous.
 * Labels are kept sorted by key: one set of labels always has one JSON form.
 */
public final class JobLabels {

    public static final int MAX_LABELS = 32;
    static final int MAX_NAME = 63;
    static final int MAX_PREFIX = 253;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final String KEY_RULE = "a key is a name of 1-63 characters ([A-Za-z0-9] at both ends,"
            + " [A-Za-z0-9._-] between), optionally after a DNS-subdomain prefix and '/'";
    private static final String VALUE_RULE = "a value is empty or 1-63 characters ([A-Za-z0-9] at both ends,"
            + " [A-Za-z0-9._-] between)";

    /** Only reads what {@link #toJson} wrote: no configuration of the application's mapper matters. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobLabels() {
    }

    /** No labels. */
    public static SortedMap<String, String> none() {
        return Collections.emptySortedMap();
    }

    /** The labels as a JSON object, sorted by key (keys and values need no escaping: see the rules above). */
    public static String toJson(Map<String, String> labels) {
        StringBuilder json = new StringBuilder("{");
        new TreeMap<>(labels).forEach((key, value) -> json.append(json.length() > 1 ? "," : "")
                .append('"').append(key).append("\":\"").append(value).append('"'));
        return json.append('}').toString();
    }

    /** Labels stored by {@link #toJson} (null: none). */
    public static SortedMap<String, String> parse(String json) {
        if (json == null) {
            return none();
        }
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored labels are not a JSON object of strings: " + json, e);
        }
    }

    /**
     * The labels of a {@code Gateway-Labels: k=v,k2=v2} header (null or blank: none); each broken rule is added to
     * {@code errors} under {@code field}.
     */
    public static SortedMap<String, String> fromHeader(String header, String field, List<FieldError> errors) {
        SortedMap<String, String> labels = new TreeMap<>();
        if (header == null || header.isBlank()) {
            return labels;
        }
        for (String pair : header.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                errors.add(new FieldError(field, "'" + excerpt(pair.trim()) + "' is not key=value"));
                continue;
            }
            String key = pair.substring(0, eq).trim();
            if (labels.put(key, pair.substring(eq + 1).trim()) != null) {
                errors.add(new FieldError(field, "label '" + excerpt(key) + "' is given twice"));
            }
        }
        check(labels, field, errors);
        return labels;
    }

    /** The labels of a JSON object of string values (null: none); broken rules go to {@code errors}. */
    public static SortedMap<String, String> fromJson(JsonNode node, String field, List<FieldError> errors) {
        SortedMap<String, String> labels = new TreeMap<>();
        if (node == null || node.isNull()) {
            return labels;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "must be an object of string values"));
            return labels;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                errors.add(new FieldError(field + "." + excerpt(entry.getKey()), "must be a string"));
                continue;
            }
            labels.put(entry.getKey(), entry.getValue().textValue());
        }
        check(labels, field, errors);
        return labels;
    }

    /** Checks every key, value and the count; each broken rule is one error, named by its key. */
    public static void check(Map<String, String> labels, String field, List<FieldError> errors) {
        if (labels.size() > MAX_LABELS) {
            errors.add(new FieldError(field, "at most " + MAX_LABELS + " labels; these are " + labels.size()));
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!validKey(label.getKey())) {
                errors.add(new FieldError(field + "." + excerpt(label.getKey()), KEY_RULE));
            } else if (!validValue(label.getValue())) {
                errors.add(new FieldError(field + "." + label.getKey(), VALUE_RULE));
            }
        }
    }

    public static boolean validKey(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return false;
            }
        }
        return name.length() <= MAX_NAME && NAME.matcher(name).matches();
    }

    static boolean validValue(String value) {
        return value.isEmpty() || (value.length() <= MAX_NAME && NAME.matcher(value).matches());
    }

    /** A caller's text quoted back in a problem, cut short (labels are small; a huge one need not be echoed). */
    private static String excerpt(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
