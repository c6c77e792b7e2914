/**
 * The embedded default: everything a newcomer needs to run the gateway with no configuration. It owns the data
 * folder ({@code gateway.data-dir}), the in-process single-node KRaft Kafka broker, and the secrets that are generated
 * there on first start. The production (PostgreSQL) build ships none of its defaults.
 */
package ai.sxwl.gateway.embedded;
