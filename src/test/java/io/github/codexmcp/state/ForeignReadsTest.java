package io.github.codexmcp.state;

import static io.github.codexmcp.state.JsonFileStateStoreTest.event;
import static io.github.codexmcp.state.JsonFileStateStoreTest.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading sessions another server writes (two stores on one directory): stamps tell a change with
 * no read, reads continue where the last one ended, change nothing on disk, and a hand-back refuses
 * once the session was claimed again.
 */
class ForeignReadsTest {
  static final String ID = JsonFileStateStoreTest.ID;

  @TempDir Path tmp;
  final List<StateStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(StateStore::close);
  }

  JsonFileStateStore open() {
    StateStore s = JsonFileStateStore.open(tmp, new ManualClock(Instant.EPOCH));
    opened.add(s);
    return assertInstanceOf(JsonFileStateStore.class, s);
  }

  Path log() {
    return tmp.resolve("sessions").resolve(ID).resolve("events.jsonl");
  }

  @Test
  void aReleaseGivesTheBaselineAndOnlyWhatChangesAfterItIsRead() {
    JsonFileStateStore a = open();
    JsonFileStateStore b = open();
    a.saveMeta(meta(ID, "running"));
    a.appendEvent(ID, event("progress", "one"));
    a.flush(); // a new session is claimed by the writer, before its first write
    DiskStamp handedBack = a.release(ID, a.claimEpoch(ID));
    assertNotNull(handedBack);
    assertFalse(a.holds(ID));
    assertEquals(handedBack.eventsSize(), handedBack.eventsEnd());
    assertTrue(handedBack.sameFiles(b.stamp(ID)), "nothing changed since");

    assertTrue(b.claim(ID));
    b.appendEvent(ID, event("progress", "two"));
    b.saveMeta(meta(ID, "idle"));
    b.saveResult(ID, Json.object().put("text", "done"));
    b.flush();
    assertFalse(handedBack.sameFiles(a.stamp(ID)));
    DiskUpdate u = a.readForeign(ID, handedBack);
    assertFalse(u.whole());
    assertEquals("idle", u.meta().status());
    assertTrue(u.resultRead());
    assertEquals("done", u.result().path("text").asText());
    assertEquals(1, u.events().size(), u.events().toString());
    assertEquals("two", u.events().get(0).at("/data/text").asText());
    assertEquals(1, u.events().get(0).path("seq").asLong());
    assertTrue(u.stamp().sameFiles(a.stamp(ID)));
    DiskUpdate none = a.readForeign(ID, u.stamp());
    assertTrue(none.events().isEmpty());
    assertFalse(none.resultRead(), "result.json unchanged: not read again");
  }

  @Test
  void aLineStillBeingWrittenIsLeftForTheNextReadAndNothingIsRepaired() throws IOException {
    JsonFileStateStore a = open();
    JsonFileStateStore b = open();
    a.saveMeta(meta(ID, "running"));
    a.appendEvent(ID, event("progress", "one"));
    a.flush();
    DiskUpdate whole = b.readForeign(ID, null);
    assertTrue(whole.whole());
    assertEquals(1, whole.events().size());
    String half = "{\"seq\":1,\"type\":\"progress\",\"data\":{\"te";
    Files.writeString(log(), half, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    long size = Files.size(log());
    DiskUpdate partial = b.readForeign(ID, whole.stamp());
    assertTrue(partial.events().isEmpty());
    assertEquals(whole.stamp().eventsEnd(), partial.stamp().eventsEnd());
    assertEquals(size, Files.size(log()), "another server's log is never cut");
    assertEquals(1, b.readForeign(ID, null).events().size(), "a whole read leaves it too");
    assertEquals(size, Files.size(log()));
    Files.writeString(
        log(),
        "xt\":\"two\"},\"timestamp\":\"t\"}\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    DiskUpdate rest = b.readForeign(ID, partial.stamp());
    assertEquals(1, rest.events().size());
    assertEquals("two", rest.events().get(0).at("/data/text").asText());
  }

  @Test
  void aHandBackIsRefusedWhenTheSessionWasClaimedAgainSince() {
    JsonFileStateStore a = open();
    a.saveMeta(meta(ID, "idle"));
    long epoch = a.claimEpoch(ID);
    assertTrue(a.claim(ID)); // an operation started driving it after the decision to release
    assertNull(a.release(ID, epoch));
    assertTrue(a.holds(ID));
    assertNotNull(a.release(ID, a.claimEpoch(ID)));
    assertFalse(a.holds(ID));
  }

  @Test
  void aSessionWithoutFilesHasNoStampAndNoRead() {
    JsonFileStateStore a = open();
    assertNull(a.stamp(ID));
    assertNull(a.readForeign(ID, null));
    assertNull(a.stamp("../escape"));
  }

  @Test
  void onlyAMissingMetaMeansGoneOtherErrorsAreUnreadable() throws Exception {
    Path sessions = Files.createDirectories(tmp.resolve("sessions"));
    assertNull(DiskStamp.of(sessions.resolve("sess_missing-1"), 0));
    Path loop = sessions.resolve("sess_loop-1");
    Files.createSymbolicLink(loop, loop); // stat of loop/meta.json fails: too many links
    assertSame(DiskStamp.UNREADABLE, DiskStamp.of(loop, 0));
    assertFalse(DiskStamp.UNREADABLE.sameFiles(DiskStamp.UNREADABLE));
  }
}
