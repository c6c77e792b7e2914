/**
 * Tenants: who may call the internal API (by API key), whose SXWL token submits and polls their jobs, and which jobs
 * each may see. Keys are compared in constant time, never logged, and wrong ones are throttled per client address
 * and per tenant.
 */
package ai.sxwl.gateway.tenant;
