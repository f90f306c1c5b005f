package io.github.codexmcp.config;

import java.util.Locale;

/** Node-style platform and architecture names, as reported to clients. */
public final class Platform {
  private Platform() {}

  /** {@code linux}, {@code darwin}, {@code win32}, or the lower-cased OS name. */
  public static String current() {
    return fromOsName(System.getProperty("os.name", ""));
  }

  static String fromOsName(String osName) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return "win32";
    }
    if (os.startsWith("mac") || os.contains("darwin")) {
      return "darwin";
    }
    if (os.contains("linux")) {
      return "linux";
    }
    if (os.contains("freebsd")) {
      return "freebsd";
    }
    return os.replace(' ', '_');
  }

  /** {@code x64}, {@code arm64}, ... */
  public static String arch() {
    String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    switch (a) {
      case "amd64":
      case "x86_64":
        return "x64";
      case "aarch64":
      case "arm64":
        return "arm64";
      case "x86":
      case "i386":
      case "i686":
        return "ia32";
      default:
        return a;
    }
  }

  public static boolean isWindows(String platform) {
    return "win32".equals(platform);
  }
}
