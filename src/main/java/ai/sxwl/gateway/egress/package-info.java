/**
 * Where the gateway may send requests of its own to URLs that tenants give it (subscription endpoints, jobs' own
 * callback URLs): the SSRF rules, and name resolution with a timeout on a bounded pool of its own, so a black-holed
 * DNS name costs one thread and a few seconds, never the dispatcher; and how a peer's {@code Retry-After} is read.
 */
package ai.sxwl.gateway.egress;
