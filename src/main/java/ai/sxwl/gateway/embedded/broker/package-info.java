/**
 * The in-process single-node KRaft Kafka broker of the embedded default, started when {@code kafka.bootstrap.servers}
 * is not set. Compiled only into the embedded build: the production build ({@code -Ppostgres}) leaves this package and
 * the broker's jars (kafka_2.13, Scala, …) out.
 */
package ai.sxwl.gateway.embedded.broker;
