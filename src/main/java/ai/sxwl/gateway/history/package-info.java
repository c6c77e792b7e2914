/**
 * The job history: each job's current state, the state machine that decides whether a report changes it, and the
 * numbered list of its changes. Every change is announced in its own transaction as a {@link
 * ai.sxwl.gateway.history.JobChanged} event, which the publishers turn into outbox rows.
 */
package ai.sxwl.gateway.history;
