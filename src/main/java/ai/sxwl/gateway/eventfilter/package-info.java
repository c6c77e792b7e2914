/**
 * Event filters in the CloudEvents Subscriptions API's dialects ({@code exact}, {@code prefix}, {@code suffix},
 * {@code all}, {@code any}, {@code not}) over a job event's attributes and a documented set of its data paths: checked
 * (a bad part is named by its JSON pointer), compiled once into a predicate, and evaluated without a query per event.
 */
package ai.sxwl.gateway.eventfilter;
