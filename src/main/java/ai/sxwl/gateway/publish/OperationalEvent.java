package ai.sxwl.gateway.publish;

import java.time.Instant;

/**
 * Something a tenant's owner must hear about its own webhooks (issue 21, 4), fired inside the transaction that
 * records it: a subscription disabled (410 Gone, or failing for too long) or enabled again, or a delivery that went
 * dead. It goes to the operations topic ({@link OperationalOutbox}) and to the tenant's other subscriptions that list
 * its type in their eventTypes.
 *
 * @param subscriptionId the subscription it is about (the dead delivery's): never delivered to that one; its URL is
 *                       not carried (a webhook URL can hold a token)
 * @param reason         why it was disabled; null otherwise
 * @param jobId          the dead delivery's job; null otherwise
 * @param deliveredEvent the dead delivery's event id; null otherwise
 * @param messageId      the dead delivery's webhook-id; null otherwise
 */
public record OperationalEvent(Type type, String tenant, String subscriptionId, String reason,
                               String jobId, String deliveredEvent, String messageId, Instant occurredAt) {

    public enum Type {
        SUBSCRIPTION_DISABLED("ai.sxwl.gateway.subscription.disabled"),
        SUBSCRIPTION_ENABLED("ai.sxwl.gateway.subscription.enabled"),
        DELIVERY_DEAD("ai.sxwl.gateway.delivery.dead");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static java.util.Optional<Type> fromWire(String wire) {
            return java.util.Arrays.stream(values()).filter(type -> type.wire.equals(wire)).findFirst();
        }
    }

    /**
     * Stable per occurrence: a dead delivery has one ({@code <webhook-id>:dead}); a subscription's disabling or
     * enabling is told apart by when it happened.
     */
    public String id() {
        return messageId != null ? messageId + ":dead"
                : subscriptionId + ":" + type.wire().substring(type.wire().lastIndexOf('.') + 1) + ":"
                + occurredAt.toEpochMilli();
    }
}
