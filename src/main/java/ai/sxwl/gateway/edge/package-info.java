/**
 * The HTTP edge, before and after every route: paths that walk out of their prefix are refused, and every answer of
 * the console and the API carries the browser security headers.
 */
package ai.sxwl.gateway.edge;
