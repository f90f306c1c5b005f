package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletedItemsTest {
  @TempDir Path dir;

  @Test
  void readsTheIdsOfCompletedItemsFromTheWholeLog() throws Exception {
    Path log = dir.resolve("events.jsonl");
    Files.writeString(
        log,
        "{\"seq\":0,\"type\":\"output\",\"data\":{\"method\":\"item/completed\",\"item\":{\"id\":\"a\"}}}\n"
            + "{\"seq\":1,\"type\":\"progress\",\"data\":{\"method\":\"item/started\",\"item\":{\"id\":\"b\"}}}\n"
            + "{\"seq\":2,\"type\":\"output\",\"data\":{\"method\":\"item/completed\",\"ite\n"
            + "{\"seq\":3,\"type\":\"output\",\"data\":{\"method\":\"item/completed\",\"item\":{\"id\":\"c\"}}}\n");
    assertEquals(Set.of("a", "c"), CompletedItems.inLog(log));
  }

  @Test
  void aMissingLogHasNone() {
    assertTrue(CompletedItems.inLog(dir.resolve("none.jsonl")).isEmpty());
    assertTrue(CompletedItems.inLog(null).isEmpty());
  }
}
