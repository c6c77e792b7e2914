package ai.sxwl.gateway.webhook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;

/** The secret that signs deliveries to a tenant's jobs' own callback URLs. */
@Entity
@Table(name = "tenant_signing_key")
public class TenantSigningKey extends PanacheEntityBase {

    @Id
    public String tenant;

    public String secret;

    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_until")
    public Instant previousSecretUntil;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The tenant's key, created on first use. Signing only reads it; a rotation locks it. */
    static TenantSigningKey forTenant(String tenant, LockModeType lock) {
        TenantSigningKey key = getEntityManager().find(TenantSigningKey.class, tenant, lock);
        if (key == null) {
            getEntityManager().createNativeQuery("INSERT INTO tenant_signing_key (tenant, secret, created_at)"
                            + " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
                    .setParameter(1, tenant).setParameter(2, WebhookSigner.newSecret())
                    .setParameter(3, Instant.now()).executeUpdate();
            key = getEntityManager().find(TenantSigningKey.class, tenant, lock);
        }
        return key;
    }

    String[] signingSecrets(Instant now) {
        return WebhookSigner.signingSecrets(secret, previousSecret, previousSecretUntil, now);
    }
}
