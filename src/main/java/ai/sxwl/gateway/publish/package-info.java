/**
 * Publishing job changes to Kafka through a transactional outbox: each {@link ai.sxwl.gateway.history.JobChanged}
 * becomes one CloudEvent row per topic it routes to, written in the change's own transaction; a relay sends the rows
 * in order, waits for the broker's acknowledgement and only then deletes them.
 */
package ai.sxwl.gateway.publish;
