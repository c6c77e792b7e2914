package ai.sxwl.gateway.eventfilter;

/** What a filter reads of an event: an attribute's or data path's value as a string ({@link FilterPaths}). */
@FunctionalInterface
public interface FilteredEvent {

    /** The value of a name {@link FilterPaths#known} accepts, as a string; null when the event has none. */
    String value(String name);
}
