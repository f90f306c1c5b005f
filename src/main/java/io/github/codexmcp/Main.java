package io.github.codexmcp;

/** Entry point (wired in the foundation work). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("codex-mcp: not yet wired");
  }
}
