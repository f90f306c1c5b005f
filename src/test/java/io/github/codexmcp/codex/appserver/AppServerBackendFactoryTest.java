package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.testing.appserver.FakeLauncher;
import io.github.codexmcp.util.CodexMcpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class AppServerBackendFactoryTest {
  @TempDir Path tmp;
  private final FakeLauncher launcher = new FakeLauncher();
  private final ManualTimer timer = new ManualTimer();

  private static Path executable(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private Path npmInstall() throws IOException {
    Path nm = tmp.resolve("node_modules");
    executable(nm.resolve("@openai/codex/bin/codex.js"));
    Path launcherLink = nm.resolve(".bin/codex");
    Files.createDirectories(launcherLink.getParent());
    Files.createSymbolicLink(launcherLink, Path.of("../@openai/codex/bin/codex.js"));
    String os = System.getProperty("os.arch").contains("aarch64") ? "arm64" : "x64";
    String triple = os.equals("x64") ? "x86_64-unknown-linux-musl" : "aarch64-unknown-linux-musl";
    executable(nm.resolve("@openai/codex-linux-" + os + "/vendor/" + triple + "/bin/codex"));
    return launcherLink;
  }

  @Test
  void spawnsTheNativeBinaryBehindAnNpmLauncher() throws IOException {
    Path link = npmInstall();
    AppServerBackendFactory f =
        new AppServerBackendFactory(
            new ResolvedExecutable(link.toString(), true, "env_path"),
            launcher,
            timer,
            Map.of(),
            true);
    LaunchOptions o = new LaunchOptions(null, "gpt-5", null, null, null, tmp);
    ProcessSpec spec = f.processSpec(o);
    assertTrue(spec.command().get(0).endsWith("/bin/codex"), spec.command().toString());
    assertTrue(spec.command().get(0).contains("@openai/codex-linux-"), spec.command().toString());
    assertEquals(List.of("app-server", "-c", "model=gpt-5"), spec.command().subList(1, 4));
    assertEquals(tmp, spec.cwd());
    assertEquals("1", spec.env().get("CODEX_MANAGED_BY_NPM"));
    assertTrue(spec.env().get("CODEX_MANAGED_PACKAGE_ROOT").endsWith("@openai/codex"));
    assertEquals(BackendMode.APP_SERVER, f.mode());
  }

  @Test
  void keepsTheLauncherWhenNativeIsNotPreferredOrNotFound() throws IOException {
    Path link = npmInstall();
    AppServerBackendFactory off =
        new AppServerBackendFactory(
            new ResolvedExecutable(link.toString(), true, "env_path"),
            launcher,
            timer,
            Map.of(),
            false);
    assertEquals(List.of(link.toString(), "app-server"), off.command(null));
    AppServerBackendFactory bare =
        new AppServerBackendFactory(
            new ResolvedExecutable("codex", false, "default"),
            launcher,
            timer,
            Map.of("PATH", ""),
            true);
    assertEquals(List.of("codex", "app-server"), bare.command(null));
  }

  @Test
  void looksUpABareCommandOnPath() throws IOException {
    Path link = npmInstall();
    AppServerBackendFactory f =
        new AppServerBackendFactory(
            new ResolvedExecutable("codex", false, "default"),
            launcher,
            timer,
            Map.of("PATH", "/nonexistent:" + link.getParent()),
            true);
    assertTrue(f.command(null).get(0).contains("@openai/codex-linux-"));
  }

  @Test
  void profileSettingsComeFromCodexHomeOfTheEnvironment() throws IOException {
    Path codexHome = Files.createDirectories(tmp.resolve("ch"));
    Files.writeString(codexHome.resolve("fast.config.toml"), "model = \"profile-model\"\n");
    AppServerBackendFactory f =
        new AppServerBackendFactory(
            new ResolvedExecutable("/opt/codex", true, "env_path"),
            launcher,
            timer,
            Map.of("CODEX_HOME", codexHome.toString()),
            false);
    LaunchOptions o = new LaunchOptions("fast", null, "never", null, null, null);
    assertEquals(
        List.of(
            "/opt/codex",
            "app-server",
            "-c",
            "model=\"profile-model\"",
            "-c",
            "approval_policy=never"),
        f.command(o));
  }

  @Test
  void missingProfileFailsStartWithoutSpawning() throws Exception {
    AppServerBackendFactory f =
        new AppServerBackendFactory(
            new ResolvedExecutable("/opt/codex", true, "env_path"),
            launcher,
            timer,
            Map.of("CODEX_HOME", tmp.toString()),
            false);
    CodexBackend b = f.create("s1", new LaunchOptions("ghost", null, null, null, null, null));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> b.start().get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof CodexMcpException);
    assertTrue(
        e.getCause()
            .getMessage()
            .startsWith("Error [INVALID_ARGUMENT]: Profile 'ghost' not found"));
    assertTrue(launcher.specs().isEmpty());
  }
}
