/**
 * Tenants: who may call the internal API (by API key), whose SXWL token submits and polls their jobs, and which jobs
 * each may see. Keys are compared in constant time and never logged.
 */
package ai.sxwl.gateway.tenant;
