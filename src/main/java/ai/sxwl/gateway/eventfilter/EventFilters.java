package ai.sxwl.gateway.eventfilter;

import ai.sxwl.gateway.problem.Problem.FieldError;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A {@code filters} array compiled into one predicate: an event passes when every filter in it matches (CloudEvents
 * Subscriptions API, 3.2.4). Checked as it compiles: every broken rule is reported at its JSON pointer.
 */
public final class EventFilters {

    /** Nesting of all/any/not, counting the top-level filters as 1: deep enough for any sane rule, bounded work. */
    public static final int MAX_DEPTH = 8;
    /** Filter expressions in one array, nested ones included: a bound on what one event costs to evaluate. */
    public static final int MAX_EXPRESSIONS = 64;
    public static final int MAX_VALUE_LENGTH = 1024;
    /** The compact JSON of one array, as stored with a subscription. */
    public static final int MAX_JSON_LENGTH = 16_384;

    /** No filters: every event passes. */
    public static final EventFilters NONE = new EventFilters(event -> true, null);

    private final Predicate<FilteredEvent> predicate;
    private final String json;

    private EventFilters(Predicate<FilteredEvent> predicate, String json) {
        this.predicate = predicate;
        this.json = json;
    }

    public boolean matches(FilteredEvent event) {
        return predicate.test(event);
    }

    /** The filters as compact JSON, the form they are stored and cached in; null for {@link #NONE}. */
    public String json() {
        return json;
    }

    /**
     * Compiles a {@code filters} array found at {@code pointer} (a JSON pointer, "" for a document of its own). An
     * empty array is {@link #NONE}. Returns null after adding each broken rule to {@code errors}.
     */
    public static EventFilters compile(JsonNode filters, String pointer, List<FieldError> errors) {
        int before = errors.size();
        if (filters == null || !filters.isArray()) {
            errors.add(new FieldError(pointer, "must be an array of filters, each {\"<dialect>\": ...} with a dialect"
                    + " of " + Dialect.described()));
            return null;
        }
        if (filters.isEmpty()) {
            return NONE;
        }
        Compiler compiler = new Compiler(errors);
        Predicate<FilteredEvent> all = compiler.all(filters, pointer, 1);
        if (compiler.expressions > MAX_EXPRESSIONS) {
            errors.add(new FieldError(pointer, "holds " + compiler.expressions + " filter expressions, nested ones"
                    + " included; at most " + MAX_EXPRESSIONS));
        }
        String json = filters.toString();
        if (json.length() > MAX_JSON_LENGTH) {
            errors.add(new FieldError(pointer, "is " + json.length() + " characters as compact JSON; at most "
                    + MAX_JSON_LENGTH));
        }
        return errors.size() > before ? null : new EventFilters(all, json);
    }

    /** The dialects of the CloudEvents Subscriptions API that every implementation supports (3.2.4.1.1). */
    enum Dialect {
        EXACT("exact", String::equals), PREFIX("prefix", String::startsWith), SUFFIX("suffix", String::endsWith),
        ALL("all", null), ANY("any", null), NOT("not", null);

        final String wire;
        /** (the event's value, the filter's value) → match; null for the dialects that nest filters. */
        final BiPredicate<String, String> comparison;

        Dialect(String wire, BiPredicate<String, String> comparison) {
            this.wire = wire;
            this.comparison = comparison;
        }

        static Dialect fromWire(String wire) {
            return Arrays.stream(values()).filter(d -> d.wire.equals(wire)).findFirst().orElse(null);
        }

        static String described() {
            return Arrays.stream(values()).map(d -> d.wire).collect(Collectors.joining(", "));
        }
    }

    private static final class Compiler {

        private final List<FieldError> errors;
        private int expressions;

        Compiler(List<FieldError> errors) {
            this.errors = errors;
        }

        /** Every filter of a non-empty array, each at depth {@code depth}. */
        Predicate<FilteredEvent> all(JsonNode array, String pointer, int depth) {
            List<Predicate<FilteredEvent>> each = each(array, pointer, depth);
            return event -> {
                for (Predicate<FilteredEvent> filter : each) {
                    if (!filter.test(event)) {
                        return false;
                    }
                }
                return true;
            };
        }

        Predicate<FilteredEvent> any(JsonNode array, String pointer, int depth) {
            List<Predicate<FilteredEvent>> each = each(array, pointer, depth);
            return event -> {
                for (Predicate<FilteredEvent> filter : each) {
                    if (filter.test(event)) {
                        return true;
                    }
                }
                return false;
            };
        }

        private List<Predicate<FilteredEvent>> each(JsonNode array, String pointer, int depth) {
            List<Predicate<FilteredEvent>> each = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                each.add(filter(array.get(i), pointer + "/" + i, depth));
            }
            return each;
        }

        /** One filter expression: an object whose only member is its dialect. */
        Predicate<FilteredEvent> filter(JsonNode node, String pointer, int depth) {
            expressions++;
            if (depth > MAX_DEPTH) {
                return broken(pointer, "nests deeper than " + MAX_DEPTH + " levels of filters");
            }
            if (node == null || !node.isObject() || node.size() != 1) {
                return broken(pointer, "must be an object with exactly one member, its dialect: one of "
                        + Dialect.described());
            }
            Map.Entry<String, JsonNode> member = node.fields().next();
            String at = pointer + "/" + escape(member.getKey());
            Dialect dialect = Dialect.fromWire(member.getKey());
            if (dialect == null) {
                return broken(at, "unknown filter dialect; supported: " + Dialect.described());
            }
            JsonNode value = member.getValue();
            return switch (dialect) {
                case ALL, ANY -> !value.isArray() || value.isEmpty()
                        ? broken(at, "must be an array of at least one filter")
                        : dialect == Dialect.ALL ? all(value, at, depth + 1) : any(value, at, depth + 1);
                case NOT -> value.isObject() ? filter(value, at, depth + 1).negate()
                        : broken(at, "must be one filter (an object)");
                case EXACT, PREFIX, SUFFIX -> comparisons(dialect, value, at);
            };
        }

        /** Every {name: value} of an exact, prefix or suffix filter must hold; an absent value holds none. */
        private Predicate<FilteredEvent> comparisons(Dialect dialect, JsonNode value, String pointer) {
            if (!value.isObject() || value.isEmpty()) {
                return broken(pointer, "must be an object of at least one attribute or data path and its value");
            }
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String at = pointer + "/" + escape(member.getKey());
                JsonNode expected = member.getValue();
                if (!FilterPaths.known(member.getKey())) {
                    broken(at, "unknown attribute or data path; known: " + FilterPaths.described());
                } else if (!expected.isTextual() || expected.asText().isEmpty()
                        || expected.asText().length() > MAX_VALUE_LENGTH) {
                    broken(at, "must be a string of 1 to " + MAX_VALUE_LENGTH + " characters");
                } else {
                    names.add(member.getKey());
                    values.add(expected.asText());
                }
            }
            BiPredicate<String, String> comparison = dialect.comparison;
            return event -> {
                for (int i = 0; i < names.size(); i++) {
                    String actual = event.value(names.get(i));
                    if (actual == null || !comparison.test(actual, values.get(i))) {
                        return false;
                    }
                }
                return true;
            };
        }

        /** Records the broken rule; what it returns is never evaluated, since the whole compile fails. */
        private Predicate<FilteredEvent> broken(String pointer, String message) {
            errors.add(new FieldError(pointer, message));
            return event -> false;
        }

        /** A JSON pointer's reference token (RFC 6901). */
        private static String escape(String token) {
            return token.replace("~", "~0").replace("/", "~1");
        }
    }
}
