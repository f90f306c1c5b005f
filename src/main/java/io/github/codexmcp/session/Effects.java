package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.ServerRequestReply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What must happen after a session transition, once its lock is released: documents to persist
 * (snapshots taken under the lock, with the version that orders them), answers to send to Codex,
 * and long-poll waiters to wake. Immutable; {@link SessionEffects} carries it out.
 *
 * @param meta the {@code meta.json} document to save, or null
 * @param metaVersion its version (later snapshots win)
 * @param result the {@code result.json} document to save, or null
 * @param resultVersion its version
 * @param replyTo the backend the replies go to, or null when there are none
 * @param replies answers to Codex's requests, in order
 * @param waiters waiters to complete
 */
record Effects(
    ObjectNode meta,
    long metaVersion,
    ObjectNode result,
    long resultVersion,
    CodexBackend replyTo,
    List<ServerRequestReply> replies,
    List<CompletableFuture<Void>> waiters) {

  static final Effects NONE = new Effects(null, 0, null, 0, null, List.of(), List.of());

  /** Collects a transition's effects; used under the session lock only. */
  static final class Builder {
    boolean meta;
    boolean result;
    boolean wake;
    CodexBackend replyTo;
    final List<ServerRequestReply> replies = new ArrayList<>();

    Builder meta() {
      meta = true;
      return this;
    }

    Builder result() {
      result = true;
      return this;
    }

    Builder wake() {
      wake = true;
      return this;
    }

    Builder reply(CodexBackend backend, ServerRequestReply reply) {
      if (backend != null) {
        replyTo = backend;
        replies.add(reply);
      }
      return this;
    }
  }
}
