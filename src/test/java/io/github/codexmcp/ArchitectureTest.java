package io.github.codexmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layout is the architecture: arrows point down, the MCP SDK and Reactor stay in the
 * edge. Each top-level package under {@code io.github.codexmcp} (a sub-package such as {@code
 * codex.appserver} counts as its top-level package) may import only the packages listed for it. A
 * new top-level package fails this test until it is given a place here.
 */
class ArchitectureTest {
  private static final String BASE = "io.github.codexmcp.";
  private static final Path MAIN = Path.of("src/main/java/io/github/codexmcp");

  /** Which of the project's packages each package may import (itself always allowed). */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("util", Set.of()),
          // what the MCP client offers the lower layers (its log), without the SDK
          Map.entry("client", Set.of("util")),
          Map.entry("config", Set.of("util")),
          Map.entry("jsonrpc", Set.of("util")),
          Map.entry("process", Set.of("util")),
          Map.entry("events", Set.of("util")),
          Map.entry("state", Set.of("util")),
          // git work-tree snapshots, change receipts and worktrees: runs git through process
          Map.entry("workspace", Set.of("process", "util")),
          Map.entry("codex", Set.of("config", "jsonrpc", "process", "util")),
          // detached app-servers and their keeper: Codex processes that outlive the server, found
          // through the state directory (ownership locks, meta.json) and spoken to over jsonrpc
          Map.entry("detached", Set.of("codex", "jsonrpc", "process", "state", "util")),
          Map.entry(
              "session",
              Set.of(
                  "client",
                  "codex",
                  "detached",
                  "events",
                  "state",
                  "config",
                  "process",
                  "workspace",
                  "util")),
          Map.entry(
              "tools", Set.of("client", "session", "events", "codex", "config", "process", "util")),
          Map.entry("resources", Set.of("session", "codex", "config", "util")),
          Map.entry(
              "server",
              Set.of(
                  "client",
                  "tools",
                  "resources",
                  "session",
                  "events",
                  "jsonrpc",
                  "process",
                  "config",
                  "util")),
          Map.entry(
              "bootstrap",
              Set.of(
                  "client",
                  "server",
                  "tools",
                  "resources",
                  "session",
                  "events",
                  "state",
                  "codex",
                  "detached",
                  "jsonrpc",
                  "process",
                  "workspace",
                  "config",
                  "util")));

  /** Packages that may import the MCP SDK or Reactor. */
  private static final Set<String> EDGE = Set.of("server", "bootstrap");

  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;", Pattern.MULTILINE);

  @Test
  void everyPackageImportsOnlyWhatItMay() throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (Path file : sources()) {
      String own = topLevel(MAIN.relativize(file).toString().replace('/', '.'));
      seen.add(own);
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Matcher m = IMPORT.matcher(text);
      while (m.find()) {
        String imported = m.group(1);
        String where = MAIN.relativize(file) + " imports " + imported;
        if (imported.startsWith("io.modelcontextprotocol.") || imported.startsWith("reactor.")) {
          if (!EDGE.contains(own)) {
            violations.add(where + " (the MCP SDK and Reactor stay in server)");
          }
        } else if (imported.startsWith(BASE)) {
          String target = topLevel(imported.substring(BASE.length()));
          Set<String> allowed = ALLOWED.get(own);
          if (allowed == null) {
            violations.add(where + " (package '" + own + "' has no place in ArchitectureTest)");
          } else if (!target.equals(own) && !allowed.contains(target)) {
            violations.add(where + " ('" + own + "' may not depend on '" + target + "')");
          }
        }
      }
    }
    assertEquals(List.of(), violations);
    assertTrue(seen.containsAll(Set.of("util", "session", "server", "codex")), "scanned " + seen);
    for (String pkg : seen) {
      assertTrue(ALLOWED.containsKey(pkg), "package '" + pkg + "' has no place in this test");
    }
  }

  @Test
  void theRootPackageHoldsNoClasses() throws IOException {
    try (Stream<Path> files = Files.list(MAIN)) {
      assertEquals(List.of(), files.filter(Files::isRegularFile).map(Path::toString).toList());
    }
  }

  @Test
  void scannerSeesAViolation() {
    assertEquals("session", topLevel("session.SessionManager"));
    assertEquals("codex", topLevel("codex.appserver.AppServerBackend"));
    Matcher m = IMPORT.matcher("import static io.github.codexmcp.util.Json.MAPPER;\n");
    assertTrue(m.find());
    assertEquals("io.github.codexmcp.util.Json.MAPPER", m.group(1));
  }

  private static String topLevel(String dotted) {
    int dot = dotted.indexOf('.');
    return dot < 0 ? "" : dotted.substring(0, dot);
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }
}
