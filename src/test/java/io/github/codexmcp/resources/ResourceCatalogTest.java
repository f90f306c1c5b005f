package io.github.codexmcp.resources;

import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexVersionRange;
import org.junit.jupiter.api.Test;

/** compat-report fills detectedMismatches and runtimeWarnings from the tested Codex range. */
class ResourceCatalogTest {
  private static final CodexVersionRange RANGE = new CodexVersionRange("0.169.0", "0.171.0");

  private static ResourceCatalog catalog(String codexVersion) {
    ResourceCatalog.Runtime rt =
        new ResourceCatalog.Runtime() {
          @Override
          public String clientMode() {
            return "app-server";
          }

          @Override
          public String stdioMode() {
            return "auto";
          }

          @Override
          public int activeSessions() {
            return 0;
          }

          @Override
          public String observedDefaultModel() {
            return null;
          }

          @Override
          public boolean persistenceEnabled() {
            return true;
          }
        };
    return new ResourceCatalog(rt, () -> codexVersion, RANGE);
  }

  @Test
  void testedVersionHasNoMismatch() {
    ObjectNode r = catalog("0.170.0").compatReport();
    assertJson("[]", r.get("detectedMismatches"));
    assertJson("[]", r.get("runtimeWarnings"));
    assertJson(
        "{'minimum':'0.169.0','newestTested':'0.171.0'}", r.at("/runtime/testedCodexVersions"));
  }

  @Test
  void theClientFeaturesAreListed() {
    ObjectNode f = (ObjectNode) catalog("0.170.0").compatReport().get("features");
    for (String name :
        new String[] {
          "serverInstructions",
          "approvalChannelElicit",
          "logNotifications",
          "waitCapWithoutProgressToken",
          "noAnswerToCancelledRequests"
        }) {
      org.junit.jupiter.api.Assertions.assertTrue(f.path(name).asBoolean(), name);
    }
  }

  @Test
  void olderVersionIsAMismatchAndAWarning() {
    ObjectNode r = catalog("0.106.0").compatReport();
    String message = RANGE.check("0.106.0").orElseThrow().message();
    assertJson(
        "[{'kind':'older-than-tested','component':'codexCli','detected':'0.106.0',"
            + "'testedMinimum':'0.169.0','testedNewest':'0.171.0','message':'"
            + message
            + "'}]",
        r.get("detectedMismatches"));
    assertEquals(message, r.at("/runtimeWarnings/0").asText());
  }

  @Test
  void newerVersionIsAMismatch() {
    ObjectNode r = catalog("0.180.0").compatReport();
    assertEquals("newer-than-tested", r.at("/detectedMismatches/0/kind").asText());
    assertEquals(1, r.get("runtimeWarnings").size());
  }

  @Test
  void undetectedVersionKeepsItsOwnWarningOnly() {
    ObjectNode r = catalog(null).compatReport();
    assertJson("[]", r.get("detectedMismatches"));
    assertJson("['Unable to detect local codex CLI version from PATH.']", r.get("runtimeWarnings"));
  }
}
