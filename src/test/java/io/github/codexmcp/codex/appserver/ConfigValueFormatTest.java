package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.codexmcp.util.Json;
import org.junit.jupiter.api.Test;

class ConfigValueFormatTest {
  private static String fmt(String json) {
    return ConfigValueFormat.format(Json.parse(json));
  }

  @Test
  void formatsNumbersLikeJavaScriptString() {
    assertEquals("3", fmt("3.0"));
    assertEquals("0.5", fmt("0.5"));
    assertEquals("1e+21", fmt("1e21"));
    assertEquals("100000000000000000000", fmt("1e20"));
    assertEquals("123456789012", fmt("123456789012"));
    assertEquals("1e+21", fmt("1000000000000000000000"));
    assertEquals("0.000001", fmt("0.000001"));
    assertEquals("1e-7", fmt("0.0000001"));
    assertEquals("1.5e-7", fmt("1.5e-7"));
    assertEquals("-0.25", fmt("-0.25"));
    assertEquals("0", fmt("-0.0"));
    assertEquals("1.2345e+25", fmt("12345e21"));
    assertEquals("3.14", fmt("3.14"));
    assertEquals("0.1", fmt("0.1"));
  }

  @Test
  void formatsOtherValues() {
    assertEquals("fast", fmt("\"fast\""));
    assertEquals("with \"quotes\"", fmt("\"with \\\"quotes\\\"\""));
    assertEquals("true", fmt("true"));
    assertEquals("false", fmt("false"));
    assertEquals("null", fmt("null"));
    assertEquals("null", ConfigValueFormat.format(null));
    assertEquals("{\"a\":[1,2.5,\"x\"]}", fmt("{ \"a\" : [ 1, 2.5, \"x\" ] }"));
  }
}
