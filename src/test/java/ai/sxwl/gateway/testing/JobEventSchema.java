package ai.sxwl.gateway.testing;

import com.github.erosb.jsonsKema.FormatValidationPolicy;
import com.github.erosb.jsonsKema.JsonParser;
import com.github.erosb.jsonsKema.SchemaLoader;
import com.github.erosb.jsonsKema.ValidationFailure;
import com.github.erosb.jsonsKema.Validator;
import com.github.erosb.jsonsKema.ValidatorConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The published JSON Schema of the job event (src/main/resources/schema), and of the operational event, as validators
 * that check formats too.
 */
public final class JobEventSchema {

    public static final String RESOURCE = "/schema/job-event.schema.json";
    public static final String OPERATIONAL_RESOURCE = "/schema/operational-event.schema.json";
    private static final Validator VALIDATOR = validator(RESOURCE);
    private static final Validator OPERATIONAL_VALIDATOR = validator(OPERATIONAL_RESOURCE);

    private JobEventSchema() {
    }

    /**
     * Why this event does not match the schema, or empty when it does. Synchronized: a json-sKema validator keeps
     * state while it walks a schema (two topic readers at once broke it), and validating is cheap.
     */
    public static Optional<String> violation(String eventJson) {
        return violation(VALIDATOR, eventJson);
    }

    /** Why this operational event does not match its schema, or empty when it does. */
    public static Optional<String> operationalViolation(String eventJson) {
        return violation(OPERATIONAL_VALIDATOR, eventJson);
    }

    private static synchronized Optional<String> violation(Validator validator, String eventJson) {
        try {
            ValidationFailure failure = validator.validate(new JsonParser(eventJson).parse());
            return failure == null ? Optional.empty() : Optional.of(failure.toString());
        } catch (RuntimeException unreadable) { // not JSON at all, say
            return Optional.of(unreadable.toString());
        }
    }

    public static String text() {
        return text(RESOURCE);
    }

    private static Validator validator(String resource) {
        return Validator.Companion.create(new SchemaLoader(new JsonParser(text(resource)).parse()).load(),
                ValidatorConfig.Companion.builder().validateFormat(FormatValidationPolicy.ALWAYS).build());
    }

    private static String text(String resource) {
        try (InputStream in = JobEventSchema.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
