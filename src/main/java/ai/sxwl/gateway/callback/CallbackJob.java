package ai.sxwl.gateway.callback;

/**
 * The job a queued callback is about, as far as it is known before the callback is applied: its batch locks it up
 * front (see {@link CallbackInbox#prepare}).
 *
 * @param tenantIfNew the tenant to create the job for if it does not exist, or null when applying the callback
 *                    would not create it
 */
record CallbackJob(String jobId, String tenantIfNew) {
}
