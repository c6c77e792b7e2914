/**
 * The SXWL API as the gateway calls it: create, job_status, job_del with a tenant's token, timeouts, retries where
 * they are safe, a circuit breaker, and one clear exception per kind of failure (upstream answers are not always
 * JSON).
 */
package ai.sxwl.gateway.upstream;
