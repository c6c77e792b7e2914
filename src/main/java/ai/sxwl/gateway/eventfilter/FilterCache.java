package ai.sxwl.gateway.eventfilter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;

import ai.sxwl.gateway.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Stored filters (their compact JSON, as {@link EventFilters#json} wrote them) compiled once per replica: the fan-out
 * evaluates a tenant's subscriptions per event from this, with no parse and no query. Keyed by the text, so a changed
 * filter is a new entry and an old one simply ages out.
 */
@ApplicationScoped
public class FilterCache {

    /** Subscriptions are capped per tenant; this holds every distinct filter of many tenants. */
    private static final int ENTRIES = 10_000;

    private final ObjectMapper mapper;
    private final Cache<String, EventFilters> compiled = Caffeine.newBuilder().maximumSize(ENTRIES).build();

    FilterCache(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The compiled form of stored filters; null (none stored) is {@link EventFilters#NONE}. */
    public EventFilters of(String json) {
        return json == null ? EventFilters.NONE : compiled.get(json, this::compile);
    }

    private EventFilters compile(String json) {
        List<FieldError> errors = new ArrayList<>();
        try {
            EventFilters filters = EventFilters.compile(mapper.readTree(json), "", errors);
            if (filters != null) {
                return filters;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored filters are not JSON: " + e.getOriginalMessage(), e);
        }
        // Only checked filters are stored: this is a bug, not a client's mistake.
        throw new IllegalStateException("Stored filters no longer compile: " + errors);
    }
}
