package io.github.codexmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.codexmcp.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema checker reports what is gone, and nothing when all is there. */
class AppServerContractTest {
  @TempDir Path dir;

  private static final String CONTRACT =
      "{'methods':{'ClientRequest':['turn/start','thread/start']},"
          + "'fields':{'TurnStartParams':['threadId','outputSchema'],'Gone':['x']},"
          + "'enumValues':{'SandboxMode':['read-only','danger-full-access'],"
          + "'UserInput':['text','localImage']}}";

  private void write(String name, String json) throws Exception {
    Files.writeString(dir.resolve(name), json.replace('\'', '"'));
  }

  @Test
  void reportsEachMissingMethodFieldEnumValueAndDefinition() throws Exception {
    write(
        "ClientRequest.json",
        "{'title':'ClientRequest','oneOf':[{'properties':{'method':{'enum':['turn/start']}}}]}");
    Files.createDirectory(dir.resolve("v2"));
    write(
        "v2/bundle.json",
        "{'definitions':{"
            + "'TurnStartParams':{'properties':{'threadId':{'type':'string'}}},"
            + "'SandboxMode':{'type':'string','enum':['read-only','workspace-write']},"
            + "'UserInput':{'oneOf':[{'properties':{'type':{'enum':['text']}}},"
            + "{'properties':{'type':{'const':'localImage'},'path':{'type':'string'}}}]}}}");
    AppServerContract c = AppServerContract.of(Json.parse(CONTRACT.replace('\'', '"')));
    assertEquals(9, c.size());
    assertEquals(
        List.of(
            "method ClientRequest.thread/start",
            "field TurnStartParams.outputSchema",
            "definition Gone (needed for its fields [\"x\"])",
            "enum value SandboxMode.danger-full-access"),
        c.missingFrom(dir));
  }

  @Test
  void theShippedListIsNotEmpty() {
    assertEquals(true, AppServerContract.load().size() > 100);
  }
}
