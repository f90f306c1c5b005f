package io.github.codexmcp.workspace;

/** What happened to one file during a turn, with its wire name. */
public enum ChangeKind {
  ADDED("added"),
  MODIFIED("modified"),
  DELETED("deleted"),
  RENAMED("renamed");

  private final String wire;

  ChangeKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
