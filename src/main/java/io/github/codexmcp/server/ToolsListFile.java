package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build step (run by {@code pom.xml} after the classes and resources are in place): writes the
 * {@code tools} array of the {@code tools/list} answer, compact, to the file named by its argument
 * ({@link EarlyAnswers#TOOLS_RESOURCE} in the class output), so that the early answer copies bytes
 * instead of parsing and generating the tool definitions while a client waits. A test checks that
 * the file matches the definitions.
 */
public final class ToolsListFile {
  private ToolsListFile() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ToolsListFile <output file>");
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (OutputStream os = Files.newOutputStream(out);
        JsonGenerator g = EarlyAnswers.FACTORY.createGenerator(os)) {
      EarlyAnswers.writeTools(g);
    }
  }
}
