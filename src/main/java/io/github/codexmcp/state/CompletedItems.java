package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The ids of the items a session's event log reports completed ({@code item/completed} events),
 * read from the whole {@code events.jsonl}: recovery keeps only the log's last events in memory,
 * and a re-attached turn must not append again an item completed before those. Reads the file once,
 * line by line (parsing only the lines that can be such an event); blocks on the disk, so it runs
 * on the work pool, never on a request path or under a lock.
 */
public final class CompletedItems {
  private static final String METHOD = "item/completed";

  private CompletedItems() {}

  /** The completed item ids in {@code eventLog}; empty when it is missing or unreadable. */
  public static Set<String> inLog(Path eventLog) {
    Set<String> ids = new HashSet<>();
    if (eventLog == null) {
      return ids;
    }
    try (BufferedReader in = Files.newBufferedReader(eventLog, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.contains(METHOD)) {
          continue;
        }
        try {
          JsonNode data = Json.MAPPER.readTree(line).path("data");
          String id = Json.text(data.path("item"), "id");
          if (METHOD.equals(Json.text(data, "method")) && id != null) {
            ids.add(id);
          }
        } catch (IOException | RuntimeException torn) {
          // a damaged line: recovery reports it; its item, if any, may be appended again
        }
      }
    } catch (NoSuchFileException e) {
      return ids;
    } catch (IOException | RuntimeException e) {
      return ids; // unreadable: the in-memory events still dedup what they hold
    }
    return ids;
  }
}
