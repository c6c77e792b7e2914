/**
 * The web console for people, at {@code /}: sign-in with a tenant's API key into a session kept in the database (the
 * cookie holds a random id), and server-rendered pages (Qute) over the same tenant-scoped resources the API serves —
 * jobs and their timelines, deliveries and dead letters with re-sends, subscriptions, and a chart of the last hours —
 * in English or Chinese.
 */
package ai.sxwl.gateway.console;
