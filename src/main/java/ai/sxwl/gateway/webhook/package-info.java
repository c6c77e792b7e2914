/**
 * Downstream webhooks: tenants' subscriptions, and deliveries of every job change to them (the CloudEvent) and to
 * each job's own callback URL from the submit proxy (SXWL's {@code {status, jobId, job_id, url}}). Deliveries are signed per
 * the Standard Webhooks spec, retried on a schedule, kept in the database (so restarts and replicas lose nothing),
 * isolated per endpoint, in order per job, and can be redelivered or replayed.
 */
package ai.sxwl.gateway.webhook;
