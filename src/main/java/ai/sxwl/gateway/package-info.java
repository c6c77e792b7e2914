/**
 * The SXWL job-event gateway. Each subpackage owns one feature (see its package-info); this one holds only what they
 * share: gateway-wide settings, the database kind, and the background loop that runs the relay, the reconciler and
 * the webhook dispatcher, the shutdown that stops every background worker by one deadline, and how meters are
 * exported for the alerts.
 */
package ai.sxwl.gateway;
