/**
 * The HTTP edge, before and after every route: paths that walk out of their prefix are refused, every answer of the
 * console and the API carries the browser security headers, and a request's client address is read through trusted
 * proxies only.
 */
package ai.sxwl.gateway.edge;
