/**
 * The SXWL job-event gateway. This package holds the entry point only ({@link ai.sxwl.gateway.GatewayMain}: serve,
 * or migrate and exit); each subpackage owns one feature or one shared concern (see its package-info).
 */
package ai.sxwl.gateway;
