package ai.sxwl.gateway.benchmark;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the gateway's CPU went, from a JFR recording's execution samples: the share of samples whose stack holds
 * each component (a sample counts once per component), and the hottest methods at the top of the stack.
 */
final class IngestJfrHotspots {

    /** Components by package prefix, first match wins. */
    private static final List<String[]> COMPONENTS = List.of(
            new String[] {"gateway code", "ai.sxwl.gateway."},
            new String[] {"Hibernate ORM", "org.hibernate."},
            new String[] {"PostgreSQL JDBC driver", "org.postgresql."},
            new String[] {"Agroal pool / Narayana transactions", "io.agroal.", "com.arjuna.", "io.quarkus.narayana."},
            new String[] {"Kafka client", "org.apache.kafka."},
            new String[] {"Jackson", "com.fasterxml.jackson."},
            new String[] {"RESTEasy Reactive", "org.jboss.resteasy.reactive."},
            new String[] {"Vert.x / Netty", "io.vertx.", "io.netty."},
            new String[] {"CDI (ArC)", "io.quarkus.arc."});

    private IngestJfrHotspots() {
    }

    static void print(Path recording) throws IOException {
        Map<String, Integer> components = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> gatewayMethods = new HashMap<>();
        Map<String, Integer> topMethods = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            threads.merge(event.getThread("sampledThread").getJavaName().replaceAll("\\d+", "N"), 1, Integer::sum);
            frames.stream().filter(f -> f.getMethod().getType().getName().startsWith("ai.sxwl.gateway.")).findFirst()
                    .ifPresent(f -> gatewayMethods.merge(name(f), 1, Integer::sum));
            if (!frames.isEmpty()) {
                topMethods.merge(name(frames.get(0)), 1, Integer::sum);
                String own = component(frames.get(0).getMethod().getType().getName());
                self.merge(own == null ? "JDK and others" : own, 1, Integer::sum);
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String component = component(frame.getMethod().getType().getName());
                if (component != null && seen.add(component)) {
                    components.merge(component, 1, Integer::sum);
                }
            }
        }
        System.out.printf("%nJFR execution samples of the whole run: %,d%n", samples);
        int total = Math.max(samples, 1);
        System.out.println("share of samples with the component on the stack:");
        top(components, total, COMPONENTS.size());
        System.out.println("share of samples spent in the component's own code (top of the stack):");
        top(self, total, COMPONENTS.size() + 1);
        System.out.println("by thread:");
        top(threads, total, 10);
        System.out.println("by the innermost gateway method on the stack (what the gateway asked for):");
        top(gatewayMethods, total, 15);
        System.out.println("hottest methods (top of the stack):");
        top(topMethods, total, 15);
    }

    private static void top(Map<String, Integer> counts, int total, int limit) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    private static String component(String type) {
        for (String[] component : COMPONENTS) {
            for (int i = 1; i < component.length; i++) {
                if (type.startsWith(component[i])) {
                    return component[0];
                }
            }
        }
        return null;
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
