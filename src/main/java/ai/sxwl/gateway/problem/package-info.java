/**
 * RFC 9457 problem details: the one shape every 4xx/5xx of the gateway answers with, and the mappers that turn
 * exceptions (ours and the framework's) into it.
 */
package ai.sxwl.gateway.problem;
