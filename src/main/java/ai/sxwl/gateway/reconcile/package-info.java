/**
 * The reconciler: polls job_status for every job that is not terminal, so that a callback that never arrives (SXWL
 * sends each once, with no retry) never loses an outcome. It owns the polling schedule (back-off with age, a poll
 * soon after a timed job's expected end), the global rate cap on upstream calls, the confirmation of untrusted
 * callbacks, and the lost and stalled verdicts. Replicas share the work through leases on the job rows.
 */
package ai.sxwl.gateway.reconcile;
