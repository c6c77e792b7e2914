/**
 * The events feed for consumers that cannot reach Kafka ({@code GET /api/events}): each change gets a feed position
 * once it has committed, in commit order, so that a cursor is a position that never skips a change committed late;
 * a tenant's events are read after a cursor, and a long-poll waits for the next ones.
 */
package ai.sxwl.gateway.feed;
