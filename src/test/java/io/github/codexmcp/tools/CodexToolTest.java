package io.github.codexmcp.tools;

import static io.github.codexmcp.testing.FakeCodexBackend.DESTROY;
import static io.github.codexmcp.testing.FakeCodexBackend.START;
import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_START;
import static io.github.codexmcp.testing.FakeCodexBackend.TURN_START;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.session.SessionFixture;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code codex} tool (spec 70 group H, tool side of X). */
class CodexToolTest {
  private static final String BASE =
      "'prompt':'do it','approvalPolicy':'on-request','sandbox':'workspace-write'";

  @TempDir Path cwd;
  SessionFixture f;
  ToolHarness t;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    t = new ToolHarness(f, cwd);
  }

  private ToolHarness.Result codex(String extra) {
    return t.call(t.codex, "{" + BASE + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  @Test
  void h1DefaultsWhenOptionalArgumentsAreOmitted() {
    ObjectNode r = codex("").ok();
    FakeCodexBackend b = f.factory.last();
    assertEquals(
        new LaunchOptions(null, null, "on-request", "workspace-write", null, cwd, 60_000L),
        b.options());
    assertEquals("low", b.lastParams(TURN_START).get("effort").asText());
    assertEquals("do it", b.lastParams(TURN_START).at("/input/0/text").asText());
    assertJson(
        "{'cwd':'" + cwd + "','approvalPolicy':'on-request','sandbox':'workspace-write'}",
        b.lastParams(THREAD_START));
    assertEquals(r.get("sessionId").asText(), b.sessionId());
  }

  @Test
  void h2EffortIsPassedThrough() {
    codex("'effort':'xhigh'").ok();
    assertEquals("xhigh", f.factory.last().lastParams(TURN_START).get("effort").asText());
  }

  @Test
  void advancedOptionsReachTheBackend() throws Exception {
    Files.writeString(cwd.resolve("a.png"), "x");
    codex(
            "'model':'o4','profile':'p','advanced':{'config':{'k':1},'baseInstructions':'b','developerInstructions':'d',"
                + "'personality':'none','summary':'auto','ephemeral':false,'outputSchema':{'type':'object'},'images':['a.png'],"
                + "'approvalTimeoutMs':777}")
        .ok();
    FakeCodexBackend b = f.factory.last();
    assertEquals(
        new LaunchOptions(
            "p",
            "o4",
            "on-request",
            "workspace-write",
            (ObjectNode) ToolHarness.json("{'k':1}"),
            cwd,
            777L),
        b.options());
    assertJson(
        "{'cwd':'"
            + cwd
            + "','model':'o4','approvalPolicy':'on-request','sandbox':'workspace-write','personality':'none',"
            + "'ephemeral':false,'baseInstructions':'b','developerInstructions':'d','config':{'k':1}}",
        b.lastParams(THREAD_START));
    assertJson(
        "{'threadId':'thread_mock','input':[{'type':'text','text':'do it'},{'type':'localImage','path':'"
            + cwd.resolve("a.png")
            + "'}],'effort':'low','summary':'auto','outputSchema':{'type':'object'}}",
        b.lastParams(TURN_START));
    f.request(b.sessionId(), 1, "item/commandExecution/requestApproval", "{}");
    assertEquals(List.of(java.time.Duration.ofMillis(777)), f.timer.pendingDelays());
  }

  @Test
  void h3MissingCwdIsAThrownInvalidArgument() {
    Path missing = cwd.resolve("nope");
    ToolHarness.Result r = codex("'cwd':'" + missing + "'");
    assertEquals("Error [INVALID_ARGUMENT]: cwd does not exist: " + missing, r.thrownText());
    assertJson(Json.object().put("error", r.text()).put("isError", true), r.structured());
    assertTrue(f.factory.created().isEmpty());
  }

  @Test
  void h4CwdThatIsAFile() throws Exception {
    Path file = Files.writeString(cwd.resolve("file.txt"), "x");
    assertEquals(
        "Error [INVALID_ARGUMENT]: cwd is not a directory: " + file,
        codex("'cwd':'" + file + "'").thrownText());
  }

  @Test
  void h5RelativeCwdIsResolvedAgainstTheServerCwd() throws Exception {
    Path sub = Files.createDirectory(cwd.resolve("sub"));
    codex("'cwd':'sub'").ok();
    assertEquals(sub, f.factory.last().options().cwd());
  }

  @Test
  void h6ToH8SchemaViolations() {
    assertFalse(ToolHarness.inputIssues(t.codex, "{'prompt':'x','sandbox':'read-only'}").isEmpty());
    assertFalse(
        ToolHarness.inputIssues(t.codex, "{" + BASE.replace("workspace-write", "full") + "}")
            .isEmpty());
    assertFalse(
        ToolHarness.inputIssues(t.codex, "{" + BASE + ",'advanced':{'waitForResult':0}}")
            .isEmpty());
    assertFalse(
        ToolHarness.inputIssues(t.codex, "{" + BASE + ",'advanced':{'waitForResult':300001}}")
            .isEmpty());
    assertTrue(
        ToolHarness.inputIssues(t.codex, "{" + BASE + ",'advanced':{'waitForResult':300000}}")
            .isEmpty());
    assertTrue(
        ToolHarness.inputIssues(t.codex, "{" + BASE + ",'unknownExtra':1}").isEmpty(),
        "extra properties are ignored");
  }

  @Test
  void h9BackgroundResult() {
    ObjectNode r = codex("").ok();
    assertEquals("running", r.get("status").asText());
    assertEquals(120_000, r.get("pollInterval").asLong());
    assertEquals("working", r.get("interactionState").asText());
    assertEquals("poll", r.get("recommendedNextAction").asText());
    assertJson("{'requested':'background','effective':'background'}", r.get("execution"));
    assertEquals("running", r.at("/progress/phase").asText());
    assertEquals("thread_mock", r.get("threadId").asText());
    assertTrue(r.get("sessionId").asText().startsWith("sess_"));
  }

  @Test
  void h10SpawnFailureIsRedactedInternal() {
    f.factory.configureNext(b -> b.fail(START, "spawn /usr/local/bin/codex ENOENT"));
    assertEquals("Error [INTERNAL]: spawn <path> ENOENT", codex("").thrownText());
    assertTrue(f.json.list().isEmpty());
  }

  @Test
  void h11ThreadResponseWithoutId() {
    f.factory.configureNext(b -> b.answer(THREAD_START, "{'thread':{}}"));
    assertEquals(
        "Error [INTERNAL]: Invalid thread response: missing thread id", codex("").thrownText());
    assertEquals(1, f.factory.last().count(DESTROY));
    assertTrue(f.json.list().isEmpty());
  }

  @Test
  void h12ThreadResponseNotAnObject() {
    f.factory.configureNext(b -> b.answer(THREAD_START, Json.NODES.arrayNode()));
    assertEquals(
        "Error [INTERNAL]: Invalid thread response: expected object", codex("").thrownText());
  }

  @Test
  void h13ContentIsThePrettyJsonOfTheResult() {
    ToolHarness.Result r = codex("");
    r.ok();
    assertTrue(r.text().contains("\n  \"sessionId\""), r.text());
  }

  @Test
  void missingImageIsAThrownInvalidArgument() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: image does not exist: " + cwd.resolve("nope.png"),
        codex("'advanced':{'images':['./nope.png']}").thrownText());
    assertTrue(f.factory.created().isEmpty());
  }

  @Test
  void imageOutsideCwdIsRefusedBeforeAnythingStarts() {
    String refusal =
        "Error [INVALID_ARGUMENT]: image must be inside the session's working directory (cwd)"
            + " unless sandbox is danger-full-access: ";
    assertEquals(
        refusal + "/etc/passwd",
        t.call(
                t.codex,
                "{'prompt':'p','approvalPolicy':'never','sandbox':'read-only',"
                    + "'advanced':{'images':['/etc/passwd']}}")
            .thrownText());
    assertEquals(
        refusal + "/etc/no-such-file.png",
        codex("'advanced':{'images':['/etc/no-such-file.png']}").thrownText());
    assertTrue(f.factory.created().isEmpty());
  }

  @Test
  void minimalEffortFallbackWarning() {
    f.factory.configureNext(
        b -> b.failOnce(TURN_START, "web_search is not supported with minimal reasoning effort"));
    ObjectNode r = codex("'effort':'minimal'").ok();
    assertEquals(
        "effort=minimal is incompatible with the Codex web_search tool in this CLI build; automatically retried with effort=low.",
        r.at("/compatWarnings/0").asText());
  }

  @Test
  void minimalEffortFailingTwiceIsTheCompatError() {
    f.factory.configureNext(
        b -> b.fail(TURN_START, "web_search is not supported with minimal reasoning effort"));
    assertEquals(
        "Error [INVALID_ARGUMENT]: effort=minimal is incompatible with the Codex web_search tool in this CLI build. Use"
            + " effort=low or higher, or let codex-mcp auto-upgrade it.",
        codex("'effort':'minimal'").thrownText());
  }

  @Test
  void x1ForegroundWaitReturnsTheResult() {
    ToolHarness.Context ctx = new ToolHarness.Context(true);
    CompletableFuture<ToolHarness.Result> r =
        t.start(t.codex, "{" + BASE + ",'advanced':{'waitForResult':60000}}", ctx);
    assertFalse(r.isDone());
    String id = f.factory.last().sessionId();
    f.timer.advanceMillis(5_000);
    f.notify(id, "item/completed", "{'item':{'type':'agentMessage','id':'m','text':'Done.'}}");
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    ObjectNode o = r.join().ok();
    assertEquals("idle", o.get("status").asText());
    assertEquals("Done.", o.at("/result/text").asText());
    assertEquals(o.at("/result/completedAt").asText(), o.get("completedAt").asText());
    assertJson(
        "{'requested':'foreground','effective':'foreground','waitForResultMs':60000}",
        o.get("execution"));
    assertEquals("none", o.get("recommendedNextAction").asText());
    assertFalse(o.has("pollInterval"));
    assertEquals("finished", o.at("/progress/phase").asText());
    assertFalse(ctx.progress.isEmpty(), "progress notifications while waiting");
  }

  @Test
  void x2ForegroundWaitStopsForAnApproval() {
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.codex,
            "{" + BASE + ",'advanced':{'waitForResult':60000}}",
            new ToolHarness.Context(false));
    f.request(
        f.factory.last().sessionId(), 1, "item/commandExecution/requestApproval", "{'itemId':'i'}");
    ObjectNode o = r.join().ok();
    assertEquals("waiting_approval", o.get("status").asText());
    assertEquals("interactive_poll_required", o.at("/execution/fallbackReason").asText());
    assertEquals(1_000, o.get("pollInterval").asLong());
  }

  @Test
  void x4ForegroundTimeoutViaTheTool() {
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.codex,
            "{" + BASE + ",'advanced':{'waitForResult':1000}}",
            new ToolHarness.Context(false));
    f.timer.advanceMillis(1_000);
    ObjectNode o = r.join().ok();
    assertEquals("running", o.get("status").asText());
    assertEquals("wait_for_result_timeout", o.at("/execution/fallbackReason").asText());
    assertEquals(120_000, o.get("pollInterval").asLong());
  }

  @Test
  void x5AWaitWithoutProgressTokenIsCappedAt50Seconds() {
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.codex,
            "{" + BASE + ",'advanced':{'waitForResult':300000}}",
            new ToolHarness.Context(false));
    f.timer.advanceMillis(49_999);
    assertFalse(r.isDone());
    f.timer.advanceMillis(1);
    ObjectNode o = r.join().ok();
    assertEquals("running", o.get("status").asText());
    assertJson(
        "{'requested':'foreground','effective':'background','waitForResultMs':300000,"
            + "'waitCapMs':50000,'fallbackReason':'wait_capped_no_progress_token'}",
        o.get("execution"));
  }

  @Test
  void x6AWaitWithProgressTokenRunsInFullWithProgress() {
    ToolHarness.Context ctx = new ToolHarness.Context(true);
    CompletableFuture<ToolHarness.Result> r =
        t.start(t.codex, "{" + BASE + ",'advanced':{'waitForResult':120000}}", ctx);
    for (int i = 0; i < 23; i++) {
      f.timer.advanceMillis(5_000);
    }
    assertFalse(r.isDone(), "the full wait is allowed with a progress token");
    assertTrue(ctx.progress.size() >= 23, "progress at least every 5 s: " + ctx.progress.size());
    f.timer.advanceMillis(5_000);
    ObjectNode o = r.join().ok();
    assertEquals("wait_for_result_timeout", o.at("/execution/fallbackReason").asText());
    assertFalse(o.at("/execution").has("waitCapMs"));
  }

  @Test
  void x7NoWaitMeansBackground() {
    assertEquals("background", codex("'advanced':{}").ok().at("/execution/requested").asText());
  }

  @Test
  void x9CancelledRequestEndsTheWait() {
    ToolHarness.Context ctx = new ToolHarness.Context(false);
    CompletableFuture<ToolHarness.Result> r =
        t.start(t.codex, "{" + BASE + ",'advanced':{'waitForResult':300000}}", ctx);
    ctx.cancelled.complete(null);
    assertTrue(r.isDone());
    assertEquals("running", r.join().ok().get("status").asText());
  }

  @Test
  void onFailurePolicyWarning() {
    ObjectNode r = codex("").ok();
    assertFalse(r.has("compatWarnings"));
    ObjectNode w =
        t.call(t.codex, "{'prompt':'x','approvalPolicy':'on-failure','sandbox':'read-only'}").ok();
    assertEquals(1, w.get("compatWarnings").size());
  }
}
