package ai.sxwl.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.wiremock.webhooks.Webhooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A fake SXWL upstream on WireMock that behaves like the real implementation (SPEC section 2): create answers
 * {@code ai<uuid>}; job_status says working until the job ends, then success with a signed-looking URL carrying
 * {@code Expires=} (or fail); unknown and deleted ids, and another user's jobs, answer 400 (a job created with one
 * token is known only to that token; {@link #openJobs} are known to all); a bad token answers 401 text/plain; job_del answers
 * 200 even for unknown ids. When the job ends it POSTs the callback to the injected callbackUrl with the key
 * {@code jobId} (empty on failure) — once, twice, late or never, as the job spec's {@code runCommand} asks:
 * {@code sim:success}, {@code sim:fail}, {@code sim:success-twice}, {@code sim:success-silent} (ends, no callback),
 * {@code sim:success-nourl} (the callback carries no model URL; job_status has it),
 * optionally followed by {@code @<millis>} (when it ends) and, after a space, anything (a marker for the test).
 * Any other runCommand: the job keeps working.
 * Tests can add their own stubs at priority 1 to make upstream misbehave.
 */
public final class SxwlSimulator {

    public static final Map<String, String> TENANT_TOKENS = Map.of(
            "acme", "acme-upstream-token-5f2c9a", "globex", "globex-upstream-token-81d0e4");
    /** The token the portable simulator of docker/ accepts. */
    public static final String PORTABLE_TOKEN = "sxwl-simulator-token";
    private static final String UNAUTHORIZED = "Unauthorized";
    private static final String NOT_FOUND = "{\"message\":\"job not found\"}";
    /** When a job of the portable simulator ends (and calls back) after its creation. */
    private static final int PORTABLE_RUN_MILLIS = 3000;

    private static WireMockServer server;
    private static final Map<String, SimJob> JOBS = new ConcurrentHashMap<>();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(2, r -> {
        Thread thread = new Thread(r, "sxwl-simulator");
        thread.setDaemon(true);
        return thread;
    });

    private SxwlSimulator() {
    }

    public static synchronized WireMockServer server() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort().extensions(new Behaviour()));
            server.start();
            for (String path : List.of("/api/userJob", "/api/userJob/job_status", "/api/userJob/job_del")) {
                server.stubFor(post(urlEqualTo(path)).atPriority(5).willReturn(aResponse().withTransformers("sxwl")));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return server;
    }

    public static String baseUrl() {
        return "http://localhost:" + server().port() + "/api";
    }

    /** The create request upstream answered with this job id. */
    public static LoggedRequest createRequestOf(String jobId) {
        return server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/api/userJob") && e.getResponse() != null
                        && e.getResponse().getBodyAsString().contains(jobId))
                .findFirst().orElseThrow().getRequest();
    }

    /** The job id upstream created for the create request whose body contains {@code marker}. */
    public static String jobIdCreatedFor(String marker) {
        return server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/api/userJob")
                        && e.getRequest().getBodyAsString().contains(marker))
                .map(e -> e.getResponse().getBodyAsString().replaceAll(".*\"job_id\":\"([^\"]+)\".*", "$1"))
                .findFirst().orElseThrow();
    }

    public static int requestCount(String path) {
        return server().findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    /** Requests to {@code path} about one job (its id in the body). */
    public static int requestCount(String path, String jobId) {
        return (int) server().findAll(postRequestedFor(urlEqualTo(path))).stream()
                .filter(r -> r.getBodyAsString().contains(jobId)).count();
    }

    /** When each job_status request about one job arrived, oldest first. */
    public static List<Instant> statusRequestTimes(String jobId) {
        return server().findAll(postRequestedFor(urlEqualTo("/api/userJob/job_status"))).stream()
                .filter(r -> r.getBodyAsString().contains(jobId))
                .map(r -> r.getLoggedDate().toInstant()).sorted().toList();
    }

    /** When each job_status request arrived, oldest first. */
    public static List<Instant> statusRequestTimes() {
        return server().findAll(postRequestedFor(urlEqualTo("/api/userJob/job_status"))).stream()
                .map(r -> r.getLoggedDate().toInstant()).sorted().toList();
    }

    /** Jobs that exist upstream and keep working, as if submitted to SXWL directly. */
    public static List<String> openJobs(int count) {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimJob job = new SimJob("ai" + UUID.randomUUID(), null);
            JOBS.put(job.id, job);
            ids.add(job.id);
        }
        return ids;
    }

    /** The simulator's view of a job: null when it never created it. */
    public static String state(String jobId) {
        SimJob job = JOBS.get(jobId);
        return job == null ? null : job.state;
    }

    /** Ends a working job now, as if training finished (no callback). */
    public static void finish(String jobId, boolean success) {
        JOBS.get(jobId).end(success);
    }

    /** The signed-looking OSS URL of a job's model, with its expiry (unix seconds) in {@code Expires=}. */
    private static String modelUrl(String jobId, String expires) {
        return "https://sxwl-sim.oss-cn-beijing.aliyuncs.com/" + jobId + "%2Fds_model.bin?Expires=" + expires
                + "&OSSAccessKeyId=LTAI5tSIM&Signature=c2ltdWxhdGVk%3D";
    }

    /**
     * The simulator as static WireMock mappings, for docker/ where no Java of ours runs (written to
     * docker/sxwl-simulator/mappings by SimulatorMappingsTest, which fails when they drift from this): the same
     * paths, answers and callback as above, with one script — every job succeeds {@value #PORTABLE_RUN_MILLIS} ms after
     * its creation and calls back once. job_status knows any id the simulator could have created, so it answers
     * success for them (there is no state to say "working" with), and 400 for any other id; a wrong token gets 401
     * text/plain; the path {@code /receiver} takes webhook deliveries for the demo.
     */
    public static List<StubMapping> portableMappings() {
        String template = "response-template";
        String statusUrl = "/api/userJob/job_status";
        String expires = "{{now offset='30 days' format='unix'}}";
        StubMapping create = authorized("/api/userJob", 5)
                .willReturn(jsonAnswer(200, "{\"job_id\":\"ai{{request.id}}\"}").withTransformers(template))
                .withServeEventListener("webhook", Webhooks.webhook()
                        .withMethod(RequestMethod.POST)
                        .withUrl("{{jsonPath originalRequest.body '$.callbackUrl'}}")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"jobId\":\"ai{{originalRequest.id}}\",\"status\":\"success\",\"url\":\""
                                + modelUrl("ai{{originalRequest.id}}", expires) + "\"}")
                        .withFixedDelay(PORTABLE_RUN_MILLIS))
                .build();
        StubMapping known = authorized(statusUrl, 5)
                .withRequestBody(matchingJsonPath("$.job_id", matching("ai[0-9a-f-]{36}")))
                .willReturn(jsonAnswer(200, "{\"status\":\"success\",\"url\":\""
                        + modelUrl("{{jsonPath request.body '$.job_id'}}", expires) + "\"}").withTransformers(template))
                .build();
        StubMapping unknown = authorized(statusUrl, 6).willReturn(jsonAnswer(400, NOT_FOUND)).build();
        StubMapping delete = authorized("/api/userJob/job_del", 5).willReturn(jsonAnswer(200, "{}")).build();
        StubMapping badToken = post(urlPathMatching("/api/userJob.*")).atPriority(9)
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "text/plain").withBody(UNAUTHORIZED))
                .build();
        StubMapping receiver = post(urlEqualTo("/receiver")).atPriority(5).willReturn(aResponse().withStatus(204))
                .build();
        List<StubMapping> mappings = List.of(create, known, unknown, delete, badToken, receiver);
        String[] names = {"create", "job-status", "job-status-unknown", "job-del", "bad-token", "receiver"};
        for (int i = 0; i < mappings.size(); i++) {
            mappings.get(i).setName(names[i]);
            mappings.get(i).setId(UUID.nameUUIDFromBytes(names[i].getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return mappings;
    }

    /** A POST to {@code path} with the portable simulator's token. */
    private static MappingBuilder authorized(String path, int priority) {
        return post(urlEqualTo(path)).atPriority(priority)
                .withHeader("Authorization", equalTo("Bearer " + PORTABLE_TOKEN));
    }

    private static ResponseDefinitionBuilder jsonAnswer(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static final class SimJob {
        final String id;
        /** The token that created it (a user's jobs are that user's), or null: known to every token. */
        final String ownerToken;
        volatile String state = "working";
        volatile String url = "";

        SimJob(String id, String ownerToken) {
            this.id = id;
            this.ownerToken = ownerToken;
        }

        boolean visibleTo(String token) {
            return ownerToken == null || ownerToken.equals(token);
        }

        void end(boolean success) {
            if (success) {
                url = modelUrl(id, String.valueOf(Instant.now().plus(Duration.ofDays(30)).getEpochSecond()));
            }
            state = success ? "success" : "fail";
        }
    }

    private static final class Behaviour implements ResponseDefinitionTransformerV2 {

        @Override
        public String getName() {
            return "sxwl";
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            ResponseDefinition answer = answer(event);
            // Keep what the stub adds on top of the behaviour, such as a delay.
            return ResponseDefinitionBuilder.like(answer)
                    .withFixedDelay(event.getResponseDefinition().getFixedDelayMilliseconds()).build();
        }

        private ResponseDefinition answer(ServeEvent event) {
            LoggedRequest request = event.getRequest();
            String auth = request.getHeader("Authorization");
            String token = auth == null ? null : auth.replaceFirst("^Bearer ", "");
            if (token == null || !Set.copyOf(TENANT_TOKENS.values()).contains(token)) {
                return text(401, UNAUTHORIZED);
            }
            JsonNode body;
            try {
                body = MAPPER.readTree(request.getBodyAsString());
            } catch (Exception e) {
                return text(400, "invalid request body");
            }
            String path = request.getUrl();
            if (path.endsWith("/job_status")) {
                SimJob job = JOBS.get(body.path("job_id").asText());
                if (job == null || !job.visibleTo(token) || job.state.equals("deleted")) {
                    return json(400, readTree(NOT_FOUND));
                }
                return json(200, MAPPER.createObjectNode().put("status", job.state).put("url", job.url));
            }
            if (path.endsWith("/job_del")) {
                SimJob job = JOBS.get(body.path("job_id").asText());
                if (job != null && job.visibleTo(token)) {
                    job.state = "deleted"; // a deleted job gets no callback
                }
                return json(200, MAPPER.createObjectNode());
            }
            SimJob job = new SimJob("ai" + UUID.randomUUID(), token);
            JOBS.put(job.id, job);
            script(job, body.path("runCommand").asText(""), body.path("callbackUrl").asText(""));
            return json(200, MAPPER.createObjectNode().put("job_id", job.id));
        }

        private static void script(SimJob job, String runCommand, String callbackUrl) {
            if (!runCommand.startsWith("sim:")) {
                return;
            }
            String[] parts = runCommand.substring(4).split("\\s")[0].split("@");
            long delay = parts.length > 1 ? Long.parseLong(parts[1]) : 300;
            String outcome = parts[0];
            SCHEDULER.schedule(() -> {
                if (job.state.equals("deleted")) {
                    return;
                }
                boolean success = outcome.startsWith("success");
                job.end(success);
                int callbacks = outcome.endsWith("-silent") ? 0 : outcome.endsWith("-twice") ? 2 : 1;
                ObjectNode callback = MAPPER.createObjectNode()
                        .put("jobId", success ? job.id : "").put("status", job.state)
                        .put("url", outcome.contains("-nourl") ? "" : job.url);
                for (int i = 0; i < callbacks; i++) {
                    send(callbackUrl, callback.toString());
                }
            }, delay, TimeUnit.MILLISECONDS);
        }

        /** Sent once, no retry, no signature, like the real sender. */
        private static void send(String url, String body) {
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                // the real sender drops it too
            }
        }

        private static JsonNode readTree(String json) {
            try {
                return MAPPER.readTree(json);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static ResponseDefinition json(int status, JsonNode body) {
            return new ResponseDefinitionBuilder().withStatus(status)
                    .withHeader("Content-Type", "application/json").withBody(body.toString()).build();
        }

        private static ResponseDefinition text(int status, String body) {
            return new ResponseDefinitionBuilder().withStatus(status)
                    .withHeader("Content-Type", "text/plain").withBody(body).build();
        }
    }
}
