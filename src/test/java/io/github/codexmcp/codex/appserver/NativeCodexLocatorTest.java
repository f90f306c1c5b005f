package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeCodexLocatorTest {
  @TempDir Path tmp;

  private static Path file(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private Path npmPackage(Path nodeModules) throws IOException {
    return file(nodeModules.resolve("@openai/codex/bin/codex.js"));
  }

  @Test
  void findsHoistedPlatformPackageBehindBinSymlink() throws IOException {
    Path nm = tmp.resolve("node_modules");
    npmPackage(nm);
    Path binary =
        file(nm.resolve("@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"));
    Path launcher = nm.resolve(".bin/codex");
    Files.createDirectories(launcher.getParent());
    Files.createSymbolicLink(launcher, Path.of("../@openai/codex/bin/codex.js"));
    assertEquals(Optional.of(binary), NativeCodexLocator.locate(launcher, "Linux", "amd64"));
    assertEquals(
        Optional.of(nm.resolve("@openai/codex").toRealPath()),
        NativeCodexLocator.packageRoot(launcher));
  }

  @Test
  void acceptsTheCodexJsScriptAndTheOlderVendorLayoutNestedInThePackage() throws IOException {
    Path nm = tmp.resolve("node_modules");
    Path script = npmPackage(nm);
    Path binary =
        file(
            nm.resolve(
                "@openai/codex/node_modules/@openai/codex-linux-arm64/vendor/aarch64-unknown-linux-musl/codex/codex"));
    assertEquals(Optional.of(binary), NativeCodexLocator.locate(script, "Linux", "aarch64"));
  }

  @Test
  void followsAGlobalPrefixSymlink() throws IOException {
    Path prefix = tmp.resolve("usr");
    Path nm = prefix.resolve("lib/node_modules");
    npmPackage(nm);
    Path binary =
        file(nm.resolve("@openai/codex-darwin-arm64/vendor/aarch64-apple-darwin/bin/codex"));
    Path launcher = prefix.resolve("bin/codex");
    Files.createDirectories(launcher.getParent());
    Files.createSymbolicLink(launcher, Path.of("../lib/node_modules/@openai/codex/bin/codex.js"));
    assertEquals(Optional.of(binary), NativeCodexLocator.locate(launcher, "Mac OS X", "aarch64"));
  }

  @Test
  void handlesShimsThatAreNotSymlinks() throws IOException {
    Path prefix = tmp.resolve("npm");
    npmPackage(prefix.resolve("node_modules"));
    Path exe =
        file(
            prefix.resolve(
                "node_modules/@openai/codex-win32-x64/vendor/x86_64-pc-windows-msvc/bin/codex.exe"));
    Path cmd = file(prefix.resolve("codex.cmd"));
    assertEquals(Optional.of(exe), NativeCodexLocator.locate(cmd, "Windows 11", "amd64"));

    Path nm = tmp.resolve("proj/node_modules");
    npmPackage(nm);
    Path binary =
        file(nm.resolve("@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"));
    Path copiedShim = file(nm.resolve(".bin/codex"));
    assertEquals(Optional.of(binary), NativeCodexLocator.locate(copiedShim, "Linux", "x86_64"));
  }

  @Test
  void returnsTheNativeBinaryItself() throws IOException {
    Path binary =
        file(
            tmp.resolve(
                "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"));
    assertEquals(
        Optional.of(binary.toRealPath()), NativeCodexLocator.locate(binary, "Linux", "amd64"));
  }

  @Test
  void emptyWhenNothingMatches() throws IOException {
    Path nm = tmp.resolve("node_modules");
    Path script = npmPackage(nm);
    assertTrue(
        NativeCodexLocator.locate(script, "Linux", "amd64").isEmpty(), "no platform package");
    file(nm.resolve("@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"));
    assertTrue(NativeCodexLocator.locate(script, "Linux", "riscv64").isEmpty(), "unknown arch");
    assertTrue(NativeCodexLocator.locate(script, "SunOS", "amd64").isEmpty(), "unknown os");
    assertTrue(
        NativeCodexLocator.locate(file(tmp.resolve("bin/other")), "Linux", "amd64").isEmpty());
    assertTrue(NativeCodexLocator.locate(tmp.resolve("missing/codex"), "Linux", "amd64").isEmpty());
  }
}
