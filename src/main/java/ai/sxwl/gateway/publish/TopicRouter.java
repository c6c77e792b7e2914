package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.history.JobChanged;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Decides the topics of an event: the main topic, plus every route whose filters match it. */
@ApplicationScoped
public class TopicRouter {

    private final String mainTopic;
    private final List<Route> routes = new ArrayList<>();

    TopicRouter(KafkaRoutingConfig config) {
        this.mainTopic = config.topic();
        config.routes().values().forEach(route -> routes.add(new Route(route.topic(),
                route.eventTypes().map(TopicRouter::shortTypes).orElse(Set.of()),
                route.tenants().orElse(Set.of()))));
    }

    public Set<String> topicsFor(JobChanged change) {
        Set<String> topics = new LinkedHashSet<>();
        topics.add(mainTopic);
        for (Route route : routes) {
            if (route.matches(change)) {
                topics.add(route.topic);
            }
        }
        return topics;
    }

    private static Set<String> shortTypes(Set<String> types) {
        return types.stream().map(CloudEvents::shortType).collect(Collectors.toSet());
    }

    private record Route(String topic, Set<String> types, Set<String> tenants) {
        boolean matches(JobChanged change) {
            return (types.isEmpty() || types.contains(change.type()))
                    && (tenants.isEmpty() || tenants.contains(change.tenant()));
        }
    }
}
