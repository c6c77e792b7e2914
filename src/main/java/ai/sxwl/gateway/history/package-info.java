/**
 * The job history: each job's current state, the state machine that decides whether a report changes it, the
 * numbered list of its changes, and the record of each job submitted through the proxy ({@link
 * ai.sxwl.gateway.history.Submission}), which the callback route reads and the submit proxy writes. Every change is
 * announced in its own transaction as a {@link ai.sxwl.gateway.history.JobChanged} event, which the publishers turn
 * into outbox rows. Also a job's labels (the caller's own names for it) and the history API, with waiting for a job.
 */
package ai.sxwl.gateway.history;
