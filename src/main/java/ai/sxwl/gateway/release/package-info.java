/**
 * Releases and the database schema they run on: the version the gateway reports ({@code gateway_build_info}), the
 * migrate command's runner (which retries a migration that waited too long for a lock instead of letting callbacks
 * queue behind it), and the start-up check that refuses a schema the release cannot safely run on.
 */
package ai.sxwl.gateway.release;
