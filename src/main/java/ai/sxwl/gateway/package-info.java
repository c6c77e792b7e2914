/**
 * The SXWL job-event gateway. Each subpackage owns one feature (see its package-info); this one holds only what they
 * share: gateway-wide settings, the database kind, and the background loop that runs the relay, the reconciler and
 * the webhook dispatcher.
 */
package ai.sxwl.gateway;
