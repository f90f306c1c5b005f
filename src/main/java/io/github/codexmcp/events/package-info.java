/**
 * Per-session event buffer, notification mapping, response shaping, polling and progress.
 *
 * <p>Everything here is pure logic: no threads, no I/O, no locks. A session owns one {@link
 * io.github.codexmcp.events.EventRing} and one {@link io.github.codexmcp.events.ProgressTracker}
 * and calls into them, and into {@link io.github.codexmcp.events.Poller}, while holding its own
 * lock.
 *
 * <p>Event {@code data} nodes are treated as immutable once pushed: the ring never changes a stored
 * node in place (coalescing replaces it with a new copy), so a poll's {@link
 * io.github.codexmcp.events.PollPage} holds the buffered events themselves and is rendered for the
 * client (outside this package) after the session lock is released. The {@code maxBytes} truncation
 * builds the answer's JSON here only to measure it.
 */
package io.github.codexmcp.events;
