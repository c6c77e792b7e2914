/**
 * The embedded default's data folder ({@code gateway.data-dir}) and the secrets generated there on first start, so
 * that a newcomer needs no configuration. Its in-process broker lives in {@code embedded.broker}.
 */
package ai.sxwl.gateway.embedded;
