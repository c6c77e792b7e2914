/**
 * Bounded storage: receipts, finished deliveries and (when configured) old finished jobs are pruned on a retention,
 * in small batches, by one replica at a time.
 */
package ai.sxwl.gateway.retention;
