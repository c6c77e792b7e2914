package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.egress.UrlGuard;
import ai.sxwl.gateway.history.JobLabels;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.Problem.FieldError;
import ai.sxwl.gateway.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * The job spec rules of SPEC section 2. Numbers are accepted as JSON numbers or numeric strings (the seed document
 * writes both) and sent upstream in the forms it parses: stopType, ckptVol and modelVol as strings, gpuNumber and
 * stopTime as numbers. Every violation is collected, then answered at once as a 422.
 */
@ApplicationScoped
public class JobSpecValidator {

    static final int MAX_TEXT = 1024;
    static final int MAX_COMMAND = 16 * 1024;
    static final int MAX_URL = 2048;
    static final int MAX_ENV_ENTRIES = 200;
    static final int MAX_ENV_VALUE = 16 * 1024;
    static final String REDACTED = "***";
    static final String LABELS = "labels";
    static final String LABELS_HEADER = "Gateway-Labels";
    /** The job kinds upstream accepts, spelled as it spells them; anything else would fail there, later. */
    static final List<String> JOB_TYPES = List.of("MPI", "Pytorch", "TensorFlow", "GeneralJob");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

    private final UrlGuard guard;

    JobSpecValidator(UrlGuard guard) {
        this.guard = guard;
    }

    /** @param labelsHeader the {@code Gateway-Labels} header, or null */
    public JobSpec validate(JsonNode body, String labelsHeader) {
        if (body == null || !body.isObject()) {
            throw ProblemException.of(400, "Bad Request", "The job spec must be a JSON object.");
        }
        ObjectNode upstream = ((ObjectNode) body).deepCopy();
        List<FieldError> errors = new ArrayList<>();

        integer(upstream, "gpuNumber", true, 1, errors).ifPresent(n -> upstream.put("gpuNumber", n));
        text(upstream, "gpuType", true, MAX_TEXT, errors);
        path(upstream, "ckptPath", true, errors);
        integer(upstream, "ckptVol", true, 1, errors).ifPresent(n -> upstream.put("ckptVol", Long.toString(n)));
        path(upstream, "modelPath", true, errors);
        integer(upstream, "modelVol", true, 1, errors).ifPresent(n -> upstream.put("modelVol", Long.toString(n)));
        text(upstream, "imagePath", true, MAX_TEXT, errors);
        String jobType = text(upstream, "jobType", true, MAX_TEXT, errors);
        if (jobType != null && !jobType.isBlank() && !JOB_TYPES.contains(jobType)) {
            errors.add(new FieldError("jobType", "must be one of " + String.join(", ", JOB_TYPES)
                    + " (upstream accepts only these)"));
        }
        OptionalLong stopType = integer(upstream, "stopType", true, 0, errors);
        if (stopType.isPresent() && stopType.getAsLong() > 1) {
            errors.add(new FieldError("stopType", "must be 0 (runs to its end) or 1 (stops after stopTime minutes)"));
        }
        stopType.ifPresent(n -> upstream.put("stopType", Long.toString(n)));
        boolean timed = stopType.isPresent() && stopType.getAsLong() == 1;
        OptionalLong stopTime = integer(upstream, "stopTime", timed, 1, errors);
        stopTime.ifPresent(n -> upstream.put("stopTime", n));
        text(upstream, "datasetName", false, MAX_TEXT, errors);
        path(upstream, "datasetPath", false, errors);
        text(upstream, "pretrainedModelName", false, MAX_TEXT, errors);
        path(upstream, "pretrainedModelPath", false, errors);
        text(upstream, "runCommand", false, MAX_COMMAND, errors);
        String callbackTarget = callbackUrl(upstream, errors);
        env(upstream, errors);
        SortedMap<String, String> labels = labels(upstream, labelsHeader, errors);

        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The job spec breaks " + errors.size() + " rule(s).", errors));
        }
        upstream.remove("callbackUrl");
        upstream.remove(LABELS); // the gateway's own field: upstream stays unaware of it (drop-in)
        Duration timedRun = timed && stopTime.isPresent() ? Duration.ofMinutes(stopTime.getAsLong()) : null;
        return new JobSpec(upstream, callbackTarget, redact(upstream), timedRun, labels);
    }

    /** The header's labels and the body's {@code labels} object together; one key with two values is refused. */
    private static SortedMap<String, String> labels(ObjectNode spec, String header, List<FieldError> errors) {
        SortedMap<String, String> labels = JobLabels.fromHeader(header, LABELS_HEADER, errors);
        JobLabels.fromJson(spec.get(LABELS), LABELS, errors).forEach((key, value) -> {
            String before = labels.put(key, value);
            if (before != null && !before.equals(value)) {
                errors.add(new FieldError(LABELS + "." + key, "is '" + value + "' here but '" + before
                        + "' in the " + LABELS_HEADER + " header"));
            }
        });
        if (labels.size() > JobLabels.MAX_LABELS) { // each part may be within the count, both together not
            errors.add(new FieldError(LABELS, "at most " + JobLabels.MAX_LABELS + " labels (header and body"
                    + " together); these are " + labels.size()));
        }
        return labels;
    }

    private static ObjectNode redact(ObjectNode upstream) {
        ObjectNode redacted = upstream.deepCopy();
        JsonNode env = redacted.get("env");
        if (env instanceof ObjectNode envObject) {
            envObject.fieldNames().forEachRemaining(name -> envObject.put(name, REDACTED));
        }
        return redacted;
    }

    /** An integer ≥ min, as a JSON integer or a string of digits. */
    private static OptionalLong integer(ObjectNode spec, String field, boolean required, long min,
                                                  List<FieldError> errors) {
        JsonNode node = spec.get(field);
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return OptionalLong.empty();
        }
        Long value = null;
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            value = node.longValue();
        } else if (node.isTextual() && DIGITS.matcher(node.textValue().trim()).matches()) {
            value = Long.parseLong(node.textValue().trim());
        }
        if (value == null) {
            errors.add(new FieldError(field, "must be an integer (a number or a numeric string)"));
            return OptionalLong.empty();
        }
        if (value < min) {
            errors.add(new FieldError(field, "must be at least " + min));
            return OptionalLong.empty();
        }
        return OptionalLong.of(value);
    }

    private static String text(ObjectNode spec, String field, boolean required, int max, List<FieldError> errors) {
        JsonNode node = spec.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.textValue();
        if (required && value.isBlank()) {
            errors.add(new FieldError(field, "must not be empty"));
            return null;
        }
        if (value.length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
            return null;
        }
        return value;
    }

    private static void path(ObjectNode spec, String field, boolean required, List<FieldError> errors) {
        String value = text(spec, field, required, MAX_TEXT, errors);
        if (value != null && !value.isEmpty() && !value.startsWith("/")) {
            errors.add(new FieldError(field, "must be an absolute path (starting with /)"));
        }
    }

    /** The caller's callbackUrl: it becomes a webhook target, so it passes the same guard as a subscription's. */
    private String callbackUrl(ObjectNode spec, List<FieldError> errors) {
        String value = text(spec, "callbackUrl", false, MAX_URL, errors);
        if (value == null || value.isEmpty()) {
            return null;
        }
        Optional<String> problem = guard.targetProblem(value, false);
        problem.ifPresent(p -> errors.add(new FieldError("callbackUrl", p)));
        return problem.isPresent() ? null : value;
    }

    private static void env(ObjectNode spec, List<FieldError> errors) {
        JsonNode env = spec.get("env");
        if (env == null || env.isNull()) {
            return;
        }
        if (!env.isObject()) {
            errors.add(new FieldError("env", "must be an object of string values"));
            return;
        }
        if (env.size() > MAX_ENV_ENTRIES) {
            errors.add(new FieldError("env", "must have at most " + MAX_ENV_ENTRIES + " entries"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().isEmpty() || entry.getKey().length() > 256) {
                errors.add(new FieldError("env", "names must be 1-256 characters"));
            } else if (!entry.getValue().isTextual()) {
                errors.add(new FieldError("env." + entry.getKey(), "must be a string"));
            } else if (entry.getValue().textValue().length() > MAX_ENV_VALUE) {
                errors.add(new FieldError("env." + entry.getKey(), "must be at most " + MAX_ENV_VALUE
                        + " characters"));
            }
        }
    }
}
