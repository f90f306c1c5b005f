package io.github.codexmcp.codex.appserver;

/** JSON-RPC method names of the Codex app-server protocol used by {@link AppServerBackend}. */
public final class AppServerMethods {
  public static final String INITIALIZE = "initialize";
  public static final String INITIALIZED = "initialized";
  public static final String THREAD_START = "thread/start";
  public static final String THREAD_FORK = "thread/fork";
  public static final String THREAD_RESUME = "thread/resume";
  public static final String THREAD_BACKGROUND_TERMINALS_CLEAN = "thread/backgroundTerminals/clean";
  public static final String TURN_START = "turn/start";
  public static final String TURN_INTERRUPT = "turn/interrupt";
  public static final String TURN_STEER = "turn/steer";
  public static final String REVIEW_START = "review/start";

  private AppServerMethods() {}
}
