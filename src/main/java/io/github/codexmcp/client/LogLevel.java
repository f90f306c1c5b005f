package io.github.codexmcp.client;

import java.util.Locale;

/** The MCP log levels (RFC 5424 severities), least severe first. */
public enum LogLevel {
  DEBUG,
  INFO,
  NOTICE,
  WARNING,
  ERROR,
  CRITICAL,
  ALERT,
  EMERGENCY;

  /** The level as MCP spells it ({@code "warning"}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
