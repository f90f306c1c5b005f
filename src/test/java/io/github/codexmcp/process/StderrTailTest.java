package io.github.codexmcp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StderrTailTest {
  @Test
  void keepsTheLastLinesAndHandsEveryLineToTheSink() throws Exception {
    StringBuilder in = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      in.append("line ").append(i).append("  \n");
    }
    in.append("\n\u001B[31mERROR\u001B[0m at /home/alice/repo/x.rs\nlast without newline");
    List<String> sink = new CopyOnWriteArrayList<>();
    StderrTail tail =
        StderrTail.start(
            new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.UTF_8)),
            "test-err",
            3,
            sink::add);
    tail.closed().get(5, TimeUnit.SECONDS);
    assertEquals(7, sink.size());
    assertEquals("line 1", sink.get(0));
    assertEquals(
        List.of("line 5", "ERROR at /home/alice/repo/x.rs", "last without newline"), tail.lines());
    assertEquals("line 5\nERROR at <path>\nlast without newline", tail.text());
  }

  @Test
  void truncatesOverlongLines() throws Exception {
    String big = "x".repeat(StderrTail.MAX_LINE_CHARS + 100) + "\nnext\n";
    StderrTail tail =
        StderrTail.start(
            new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)), "test-err", 5, l -> {});
    tail.closed().get(5, TimeUnit.SECONDS);
    assertEquals(StderrTail.MAX_LINE_CHARS, tail.lines().get(0).length());
    assertEquals("next", tail.lines().get(1));
  }
}
