package ai.sxwl.gateway.webhook;

import jakarta.transaction.TransactionScoped;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's enabled subscriptions, read once per transaction: a batch of callbacks stored together (group commit)
 * fans out to them with one query instead of one per change, and never sees a list older than its own transaction.
 */
@TransactionScoped
public class EnabledSubscriptions implements Serializable {

    private final transient Map<String, List<Subscription>> byTenant = new HashMap<>();

    List<Subscription> of(String tenant) {
        return byTenant.computeIfAbsent(tenant, t -> Subscription.list("tenant = ?1 and enabled = true", t));
    }
}
