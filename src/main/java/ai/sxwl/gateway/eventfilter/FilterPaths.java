package ai.sxwl.gateway.eventfilter;

import ai.sxwl.gateway.history.JobLabels;

import java.util.List;
import java.util.Set;

/**
 * The names a filter may compare: the job event's CloudEvents attributes, and these paths into its {@code data}. The
 * data paths have no {@code data.} prefix: a CloudEvents attribute name is lower-case letters and digits only, so a
 * camel-case name or one with a dot never collides with one.
 */
public final class FilterPaths {

    /** The CloudEvents attributes a job event has (traceparent only when its change had a trace). */
    public static final List<String> ATTRIBUTES = List.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "partitionkey", "sequence", "traceparent");
    /** {@code data.status}, {@code data.detectedBy}, and the submitted spec's fields (null when not submitted here). */
    public static final List<String> DATA_PATHS = List.of("status", "detectedBy", "submission.gpuType",
            "submission.jobType", "submission.gpuNumber");
    /** {@code labels.<key>}: the job's label of that key ({@code data.labels}). */
    public static final String LABELS = "labels.";

    private static final Set<String> FIXED = Set.copyOf(concat());

    private FilterPaths() {
    }

    /** Whether a filter may name this. */
    public static boolean known(String name) {
        return FIXED.contains(name) || name.startsWith(LABELS) && JobLabels.validKey(name.substring(LABELS.length()));
    }

    /** How the known names are described to a client whose filter names another. */
    static String described() {
        return String.join(", ", concat()) + ", " + LABELS + "<label key>";
    }

    private static List<String> concat() {
        return java.util.stream.Stream.concat(ATTRIBUTES.stream(), DATA_PATHS.stream()).toList();
    }
}
