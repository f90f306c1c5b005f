package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images are confined to the session's cwd by real path, with no existence oracle outside. */
class ImagePathsTest {
  private static final String SANDBOX = "read-only";

  @TempDir Path tmp;
  Path cwd;
  Path outside;

  @BeforeEach
  void setUp() throws Exception {
    cwd = Files.createDirectory(tmp.resolve("work"));
    outside = Files.createDirectory(tmp.resolve("secret"));
    Files.writeString(outside.resolve("key.png"), "secret");
    Files.writeString(cwd.resolve("pic.png"), "png");
  }

  private static String refusal(String input) {
    return "Error [INVALID_ARGUMENT]: image must be inside the session's working directory (cwd)"
        + " unless sandbox is danger-full-access: "
        + input;
  }

  private String refused(String input) {
    return refused(input, SANDBOX);
  }

  private String refused(String input, String sandbox) {
    CodexMcpException e =
        assertThrows(
            CodexMcpException.class, () -> ImagePaths.resolve(List.of(input), cwd, sandbox));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    return e.getMessage();
  }

  @Test
  void imageInsideCwdIsAcceptedAsItsRealPath() throws Exception {
    Files.createDirectory(cwd.resolve("sub"));
    Files.writeString(cwd.resolve("sub/b.png"), "png");
    assertEquals(
        List.of(cwd.toRealPath().resolve("pic.png"), cwd.toRealPath().resolve("sub/b.png")),
        ImagePaths.resolve(List.of("pic.png", "./sub/../sub/b.png"), cwd, SANDBOX));
  }

  @Test
  void etcPasswdIsRefused() {
    assertEquals(refusal("/etc/passwd"), refused("/etc/passwd"));
    assertEquals(refusal("/etc/passwd"), refused("/etc/passwd", null));
    assertEquals(refusal("/etc/passwd"), refused("/etc/passwd", "workspace-write"));
  }

  @Test
  void dotDotOutOfCwdIsRefused() {
    assertEquals(refusal("../secret/key.png"), refused("../secret/key.png"));
    assertEquals(refusal("sub/../../secret/key.png"), refused("sub/../../secret/key.png"));
  }

  @Test
  void symlinkEscapingCwdIsRefused() throws Exception {
    Files.createSymbolicLink(cwd.resolve("link.png"), outside.resolve("key.png"));
    Files.createSymbolicLink(cwd.resolve("dir"), outside);
    Files.createSymbolicLink(cwd.resolve("rel"), Path.of("../secret"));
    assertEquals(refusal("link.png"), refused("link.png"));
    assertEquals(refusal("dir/key.png"), refused("dir/key.png"));
    assertEquals(refusal("rel/key.png"), refused("rel/key.png"));
  }

  @Test
  void dotDotIsResolvedByNameAndThePathCheckedIsThePathSent() throws Exception {
    // cwd/deep -> secret/a: the kernel would read deep/../key.png as secret/key.png
    Files.createDirectory(outside.resolve("a"));
    Files.createSymbolicLink(cwd.resolve("deep"), outside.resolve("a"));
    Files.writeString(cwd.resolve("key.png"), "decoy");
    // lexical normalisation first turns this into cwd/key.png, which is what Codex is sent
    assertEquals(
        List.of(cwd.toRealPath().resolve("key.png")),
        ImagePaths.resolve(List.of("deep/../key.png"), cwd, SANDBOX));
  }

  @Test
  void nonexistentPathOutsideGetsTheSameAnswerAsAnExistingOne() throws Exception {
    String existing = outside.resolve("key.png").toString();
    String missing = outside.resolve("nope.png").toString();
    String missingDir = outside.resolve("no/such/dir.png").toString();
    assertEquals(refusal(existing), refused(existing));
    assertEquals(refusal(missing), refused(missing));
    assertEquals(refusal(missingDir), refused(missingDir));
    assertEquals(refusal("/nonexistent/x.png"), refused("/nonexistent/x.png"));
  }

  @Test
  void danglingSymlinkOutsideIsRefusedWhetherOrNotItsTargetExists() throws Exception {
    Files.createSymbolicLink(cwd.resolve("a.png"), outside.resolve("key.png"));
    Files.createSymbolicLink(cwd.resolve("b.png"), outside.resolve("nope.png"));
    assertEquals(refusal("a.png"), refused("a.png"));
    assertEquals(refusal("b.png"), refused("b.png"));
  }

  @Test
  void symlinkLoopIsRefusedWithoutDetail() throws Exception {
    Files.createSymbolicLink(cwd.resolve("loop"), cwd.resolve("loop"));
    assertEquals(refusal("loop/x.png"), refused("loop/x.png"));
  }

  @Test
  void nonexistentPathInsideSaysItDoesNotExist() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: image does not exist: " + cwd.resolve("nope.png"),
        refused("nope.png"));
  }

  @Test
  void symlinkInsideCwdToAFileInsideIsAccepted() throws Exception {
    Files.createDirectory(cwd.resolve("assets"));
    Files.writeString(cwd.resolve("assets/real.png"), "png");
    Files.createSymbolicLink(cwd.resolve("alias.png"), Path.of("assets/real.png"));
    assertEquals(
        List.of(cwd.toRealPath().resolve("assets/real.png")),
        ImagePaths.resolve(List.of("alias.png"), cwd, SANDBOX));
  }

  @Test
  void cwdReachedThroughASymlinkStillConfinesByRealPath() throws Exception {
    Path viaLink = Files.createSymbolicLink(tmp.resolve("worklink"), cwd);
    assertEquals(
        List.of(cwd.toRealPath().resolve("pic.png")),
        ImagePaths.resolve(List.of("pic.png"), viaLink, SANDBOX));
    CodexMcpException e =
        assertThrows(
            CodexMcpException.class,
            () -> ImagePaths.resolve(List.of("../secret/key.png"), viaLink, SANDBOX));
    assertEquals(refusal("../secret/key.png"), e.getMessage());
  }

  @Test
  void dangerFullAccessAcceptsImagesAnywhere() throws Exception {
    Path key = outside.resolve("key.png");
    assertEquals(
        List.of(key.toRealPath()),
        ImagePaths.resolve(List.of(key.toString()), cwd, "danger-full-access"));
    assertEquals(
        "Error [INVALID_ARGUMENT]: image does not exist: " + outside.resolve("nope.png"),
        refused(outside.resolve("nope.png").toString(), "danger-full-access"));
  }

  @Test
  void directoryInsideIsNotAFile() throws Exception {
    Files.createDirectory(cwd.resolve("d.png"));
    assertEquals(
        "Error [INVALID_ARGUMENT]: image is not a file: " + cwd.resolve("d.png"), refused("d.png"));
  }
}
