package io.github.codexmcp.detached;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * When a session's latest approval request was raised, read from the end of its event log (the last
 * {@link #TAIL_BYTES} bytes: a pending request is among the latest events). Stateless; blocks on
 * one small read.
 */
final class LastApproval {
  static final int TAIL_BYTES = 256 * 1024;

  private LastApproval() {}

  /**
   * Epoch ms of the last {@code approval_request} line of {@code eventLog} about item {@code
   * itemId}, or null (none, or no item id to tell which request it was: then the request counts as
   * raised when the keeper got it).
   */
  static Long raisedAt(Path eventLog, String itemId) {
    if (itemId == null) {
      return null;
    }
    byte[] tail;
    try (RandomAccessFile f = new RandomAccessFile(eventLog.toFile(), "r")) {
      long start = Math.max(0, f.length() - TAIL_BYTES);
      tail = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(tail);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].contains("\"approval_request\"")) {
        continue;
      }
      try {
        JsonNode n = Json.MAPPER.readTree(lines[i]);
        if ("approval_request".equals(Json.text(n, "type"))
            && itemId.equals(Json.text(n.path("data"), "itemId"))) {
          return Instant.parse(Json.text(n, "timestamp")).toEpochMilli();
        }
      } catch (IOException | RuntimeException e) {
        // a torn first line of the tail: look further back
      }
    }
    return null;
  }
}
