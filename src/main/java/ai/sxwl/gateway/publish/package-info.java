/**
 * Publishing job changes to Kafka through a transactional outbox: each {@link ai.sxwl.gateway.history.JobChanged}
 * becomes one CloudEvent row per topic it routes to, written in the change's own transaction; a relay sends the rows
 * in order, waits for the broker's acknowledgement and only then deletes them. A tenant's operational events (a
 * webhook disabled, enabled, dead) take the same way to the operations topic.
 */
package ai.sxwl.gateway.publish;
