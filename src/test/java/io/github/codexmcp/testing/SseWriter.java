package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Renders Server-Sent Events ({@code event: <type>\ndata: <json>\n\n}) into one buffer. */
final class SseWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);

  void event(String type, JsonNode data) {
    try {
      out.write(("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8));
      out.write(Json.MAPPER.writeValueAsBytes(data));
      out.write('\n');
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
