/**
 * The submit proxy: the SXWL-compatible API that internal services submit jobs through. It records each submission
 * and gives it the callback URL (and token) that binds the upstream callback to it.
 */
package ai.sxwl.gateway.submit;
