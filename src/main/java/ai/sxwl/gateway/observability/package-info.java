/**
 * What operators read besides the features' own answers: trace context on changes and its tracer, how meters are
 * exported, gauges bound to the running application, and the dependencies health group with its lag checks.
 */
package ai.sxwl.gateway.observability;
