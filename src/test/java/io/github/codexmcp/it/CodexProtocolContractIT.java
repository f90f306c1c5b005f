package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.AppServerContract;
import io.github.codexmcp.testing.CodexCli;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed Codex still offers every method, field and enum value the server relies on (listed
 * in {@link AppServerContract#RESOURCE}): its app-server JSON schema is generated and checked
 * against the list.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CodexProtocolContractIT {
  @TempDir Path tmp;

  @Test
  void installedCodexOffersEverythingTheServerReliesOn() throws Exception {
    CodexCli cli = CodexCli.get();
    Path out = tmp.resolve("schema");
    Path log = tmp.resolve("generate.log");
    Process p =
        new ProcessBuilder(
                cli.nativeBinary().toString(),
                "app-server",
                "generate-json-schema",
                "--experimental",
                "--out",
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "generate-json-schema did not finish");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "generate-json-schema failed: " + output);
    AppServerContract contract = AppServerContract.load();
    assertTrue(contract.size() > 100, "the list names " + contract.size() + " things");
    List<String> missing = contract.missingFrom(out);
    assertTrue(
        missing.isEmpty(),
        "codex " + cli.version() + " no longer offers what the server relies on: " + missing);
  }
}
