package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.util.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec 70 group D: spawn arguments and {@code -c} serialization. */
class AppServerCommandLineTest {
  private static ObjectNode config(String json) {
    return (ObjectNode) Json.parse(json);
  }

  @Test
  void d1PrimitivesAreStringifiedWithoutQuotes() {
    List<String> args =
        AppServerCommandLine.configArguments(
            config("{\"retries\":3,\"enabled\":true,\"mode\":\"fast\",\"nullable\":null}"));
    assertEquals(
        List.of("-c", "retries=3", "-c", "enabled=true", "-c", "mode=fast", "-c", "nullable=null"),
        args);
  }

  @Test
  void d2ObjectsAndArraysAreCompactJson() {
    List<String> args =
        AppServerCommandLine.configArguments(
            config(
                "{\"sandbox\":{\"mode\":\"workspace-write\",\"paths\":[\"src\",\"tests\"]},"
                    + "\"tools\":[\"bash\",\"read\",\"edit\"]}"));
    assertEquals(
        List.of(
            "-c",
            "sandbox={\"mode\":\"workspace-write\",\"paths\":[\"src\",\"tests\"]}",
            "-c",
            "tools=[\"bash\",\"read\",\"edit\"]"),
        args);
  }

  @Test
  void d3FullOrderWithProfileSettingsFirst() {
    LaunchOptions o =
        new LaunchOptions(
            "work", "gpt-5", "never", "workspace-write", config("{\"z\":1,\"a\":\"x\"}"), null);
    List<String> args =
        AppServerCommandLine.arguments(o, List.of("model=\"profile-model\"", "x.y=2"));
    assertEquals(
        List.of(
            "app-server",
            "-c",
            "model=\"profile-model\"",
            "-c",
            "x.y=2",
            "-c",
            "model=gpt-5",
            "-c",
            "approval_policy=never",
            "-c",
            "sandbox_mode=workspace-write",
            "-c",
            "z=1",
            "-c",
            "a=x"),
        args);
  }

  @Test
  void d4AbsentOptionsAreOmitted() {
    assertEquals(List.of("app-server"), AppServerCommandLine.arguments(null, List.of()));
    LaunchOptions o = new LaunchOptions(null, "", null, null, null, null);
    assertEquals(List.of("app-server"), AppServerCommandLine.arguments(o, List.of()));
    LaunchOptions sandboxOnly = new LaunchOptions(null, null, null, "read-only", null, null);
    assertEquals(
        List.of("app-server", "-c", "sandbox_mode=read-only"),
        AppServerCommandLine.arguments(sandboxOnly, List.of()));
  }

  @Test
  void d5NumbersUseJavaScriptFormatting() {
    List<String> args =
        AppServerCommandLine.configArguments(
            config("{\"a\":3.0,\"b\":0.5,\"c\":1e21,\"d\":-2.50}"));
    assertEquals(List.of("-c", "a=3", "-c", "b=0.5", "-c", "c=1e+21", "-c", "d=-2.5"), args);
  }

  @Test
  void onFailureIsSentAsOnRequest() {
    LaunchOptions o = new LaunchOptions(null, null, "on-failure", null, null, null);
    assertEquals(
        List.of("app-server", "-c", "approval_policy=on-request"),
        AppServerCommandLine.arguments(o, List.of()));
    assertEquals("untrusted", AppServerCommandLine.approvalPolicyForCodex("untrusted"));
    assertEquals(null, AppServerCommandLine.approvalPolicyForCodex(null));
  }
}
