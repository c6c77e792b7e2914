/**
 * The public callback receiver: validates what the SXWL cloud (or anyone) posts, authenticates it by the token in
 * the URL, drops exact repeats, stores every distinct callback as it arrived and applies it to the job history,
 * callbacks that arrive together in one transaction (group commit).
 */
package ai.sxwl.gateway.callback;
