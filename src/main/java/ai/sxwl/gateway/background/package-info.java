/**
 * Background work: the loop that runs the outbox relay, the reconciler, the fan-out and the webhook dispatcher, the
 * cluster lock that lets one replica at a time run one of them, and the shutdown that stops every worker by one
 * deadline.
 */
package ai.sxwl.gateway.background;
