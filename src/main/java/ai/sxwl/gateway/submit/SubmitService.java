package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.settings.GatewayConfig;
import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.history.Submission;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.Problem.FieldError;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.Tenant;
import ai.sxwl.gateway.upstream.SxwlClient;
import ai.sxwl.gateway.upstream.UpstreamConfig;
import ai.sxwl.gateway.upstream.UpstreamException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * POST /userJob through the gateway: validate, claim the submission (and Idempotency-Key), send upstream with the
 * gateway's callback URL in place of the caller's, record the job. Two requests with one key never make two upstream
 * jobs: the second waits for the first's answer and replays it.
 */
@ApplicationScoped
@Startup // a missing public base URL stops the start, not the first submit
public class SubmitService {

    private static final Duration REPLAY_POLL = Duration.ofMillis(100);

    private final JobSpecValidator validator;
    private final SubmissionLedger submissions;
    private final SxwlClient upstream;
    private final CallbackTokens tokens;
    private final ObjectMapper mapper;
    private final String callbackBase;
    private final Duration replayWait;

    SubmitService(JobSpecValidator validator, SubmissionLedger submissions, SxwlClient upstream,
                  CallbackTokens tokens, ObjectMapper mapper, GatewayConfig gateway, UpstreamConfig upstreamConfig) {
        this.validator = validator;
        this.submissions = submissions;
        this.upstream = upstream;
        this.tokens = tokens;
        this.mapper = mapper;
        this.callbackBase = stripSlash(gateway.publicBaseUrl().orElseThrow(() -> new IllegalStateException(
                "gateway.public-base-url (GATEWAY_PUBLIC_BASE_URL) is required: injected callback URLs start with it")))
                + "/callbacks/sxwl/";
        this.replayWait = upstreamConfig.readTimeout().plusSeconds(5);
    }

    /**
     * @param labelsHeader the {@code Gateway-Labels} header, or null
     * @param traceparent  the submit request's trace context, stored with the job's first change (or null)
     */
    Answer submit(Tenant tenant, String idempotencyKey, String labelsHeader, JsonNode body, String traceparent) {
        JobSpec spec = validator.validate(body, labelsHeader);
        checkIdempotencyKey(idempotencyKey);
        String token = tenant.upstreamToken().orElseThrow(() -> ProblemException.of(502, "Bad Gateway",
                "Tenant " + tenant.name() + " has no upstream token configured."));

        String requestHash = requestHash(spec);
        SubmissionLedger.Claim claim = submissions.claim(tenant.name(), idempotencyKey, requestHash, spec);
        if (claim instanceof SubmissionLedger.Claim.Taken taken) {
            return replay(taken.existing(), requestHash);
        }
        String submissionId = ((SubmissionLedger.Claim.Claimed) claim).submissionId();
        String jobId;
        try {
            jobId = upstream.create(token, spec.withCallbackUrl(callbackBase + tokens.mint(submissionId)));
        } catch (UpstreamException e) {
            submissions.failed(submissionId, new Answer(e.toProblem().status(), json(e.toProblem())));
            throw e;
        } catch (CircuitBreakerOpenException e) {
            submissions.release(submissionId);
            throw e;
        }
        Answer answer = new Answer(200, mapper.createObjectNode().put("job_id", jobId).toString());
        submissions.created(submissionId, jobId, spec.timedRun(), answer, traceparent);
        return answer;
    }

    /** The first answer for this key again, once it exists; a job adopted since a lost answer is answered too. */
    private Answer replay(Submission first, String requestHash) {
        if (!requestHash.equals(first.requestHash)) {
            throw new ProblemException(Problem.invalid("This Idempotency-Key was used for another request.",
                    List.of(new FieldError("Idempotency-Key", "was used with a different job spec within 24 hours"))));
        }
        long deadline = System.nanoTime() + replayWait.toNanos();
        Submission current = first;
        while (current.responseStatus == null && current.jobId == null && System.nanoTime() < deadline) {
            sleep();
            current = submissions.reload(first.id).orElse(current);
        }
        if (current.jobId != null) {
            return new Answer(200, mapper.createObjectNode().put("job_id", current.jobId).toString());
        }
        if (current.responseStatus == null) {
            throw ProblemException.of(409, "Conflict", "A request with this Idempotency-Key is still in progress.");
        }
        return new Answer(current.responseStatus, current.responseBody);
    }

    private static void checkIdempotencyKey(String key) {
        if (key == null) {
            return;
        }
        boolean printable = !key.isEmpty() && key.length() <= 255 && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
        if (!printable) {
            throw new ProblemException(Problem.invalid("The Idempotency-Key header is malformed.",
                    List.of(new FieldError("Idempotency-Key", "must be 1-255 printable ASCII characters"))));
        }
    }

    private String requestHash(JobSpec spec) {
        String canonical = spec.upstream().toString() + '\n'
                + (spec.callbackTarget() == null ? "" : spec.callbackTarget())
                + (spec.labels().isEmpty() ? "" : "\n" + spec.labels());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String json(Problem problem) {
        try {
            return mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(REPLAY_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.of(409, "Conflict", "A request with this Idempotency-Key is still in progress.");
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
