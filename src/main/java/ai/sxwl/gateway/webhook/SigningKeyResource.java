package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.tenant.CurrentTenant;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;

/**
 * The secret that signs deliveries to the tenant's jobs' own callback URLs (from the submit proxy), so that those
 * receivers can verify them the same way as subscription receivers.
 */
@Path("/api/signing-secret")
@Tag(name = "webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class SigningKeyResource {

    private final CurrentTenant tenant;
    private final WebhooksConfig config;

    SigningKeyResource(CurrentTenant tenant, WebhooksConfig config) {
        this.tenant = tenant;
        this.config = config;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SigningSecret(String secret, String previousSecret, Instant previousSecretUntil) {
        static SigningSecret of(TenantSigningKey key) {
            boolean overlapping = key.previousSecretUntil != null && Instant.now().isBefore(key.previousSecretUntil);
            return new SigningSecret(key.secret, overlapping ? key.previousSecret : null,
                    overlapping ? key.previousSecretUntil : null);
        }
    }

    @GET
    @Transactional
    @Operation(summary = "The tenant's job-callback signing secret (created on first use)")
    public SigningSecret get() {
        return SigningSecret.of(TenantSigningKey.forTenant(tenant.name(), LockModeType.NONE));
    }

    @POST
    @Path("/rotate")
    @Transactional
    @Operation(summary = "New job-callback signing secret; the old one keeps signing too for the rotation overlap")
    public SigningSecret rotate() {
        TenantSigningKey key = TenantSigningKey.forTenant(tenant.name(), LockModeType.PESSIMISTIC_WRITE);
        Instant now = Instant.now();
        key.previousSecret = key.secret;
        key.previousSecretUntil = now.plus(config.rotationOverlap());
        key.secret = WebhookSigner.newSecret();
        return SigningSecret.of(key);
    }
}
