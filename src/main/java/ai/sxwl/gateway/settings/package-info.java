/**
 * Gateway-wide settings and what is checked of them at startup: the run mode (serve or migrate), the database kind,
 * Flyway's online-migration settings, and the production build's refusal of missing or placeholder secrets.
 */
package ai.sxwl.gateway.settings;
