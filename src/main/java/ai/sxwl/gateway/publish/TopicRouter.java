package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.eventfilter.EventFilters;
import ai.sxwl.gateway.eventfilter.FilteredEvent;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.problem.Problem.FieldError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides the topics of an event: the main topic, plus every route whose filters match it. Built at startup, so a
 * route whose filters are broken stops the gateway with the reason, rather than routing wrongly.
 */
@Startup
@ApplicationScoped
public class TopicRouter {

    private final String mainTopic;
    private final CloudEvents cloudEvents;
    private final List<Route> routes = new ArrayList<>();

    TopicRouter(KafkaRoutingConfig config, CloudEvents cloudEvents, ObjectMapper mapper) {
        this.mainTopic = config.topic();
        this.cloudEvents = cloudEvents;
        config.routes().forEach((name, route) -> routes.add(new Route(route.topic(),
                route.eventTypes().map(TopicRouter::shortTypes).orElse(Set.of()),
                route.tenants().orElse(Set.of()),
                route.filters().map(json -> filters(name, json, mapper)).orElse(EventFilters.NONE))));
    }

    public Set<String> topicsFor(JobChanged change) {
        Set<String> topics = new LinkedHashSet<>();
        topics.add(mainTopic);
        FilteredEvent event = cloudEvents.filterView(change);
        for (Route route : routes) {
            if (route.matches(change, event)) {
                topics.add(route.topic);
            }
        }
        return topics;
    }

    private static Set<String> shortTypes(Set<String> types) {
        return types.stream().map(CloudEvents::shortType).collect(Collectors.toSet());
    }

    /** A route's filters, or the reason the gateway cannot start. */
    private static EventFilters filters(String route, String json, ObjectMapper mapper) {
        String property = "gateway.kafka.routes." + route + ".filters";
        List<FieldError> errors = new ArrayList<>();
        EventFilters filters;
        try {
            filters = EventFilters.compile(mapper.readTree(json), "", errors);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(property + " is not JSON: " + e.getOriginalMessage());
        }
        if (filters == null) {
            throw new IllegalStateException(property + " is not a valid filters array: " + errors.stream()
                    .map(error -> (error.field().isEmpty() ? "(the array)" : error.field()) + ": " + error.message())
                    .collect(Collectors.joining("; ")));
        }
        return filters;
    }

    private record Route(String topic, Set<String> types, Set<String> tenants, EventFilters filters) {
        boolean matches(JobChanged change, FilteredEvent event) {
            return (types.isEmpty() || types.contains(change.type()))
                    && (tenants.isEmpty() || tenants.contains(change.tenant()))
                    && filters.matches(event);
        }
    }
}
