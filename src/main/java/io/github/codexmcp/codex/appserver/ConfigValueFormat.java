package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Renders a JSON value as the right-hand side of {@code -c key=value} (spec 00 §11.4): objects and
 * arrays as compact JSON; strings unquoted; numbers, booleans and null the way JavaScript's {@code
 * String(value)} prints them ({@code 3.0} → {@code 3}, {@code 0.5} → {@code 0.5}, {@code 1e21} →
 * {@code 1e+21}, {@code 1e-7} → {@code 1e-7}).
 *
 * <p>Codex parses the value as TOML and falls back to the literal string, so strings are passed as
 * they are (a string such as {@code "true"} therefore reaches codex as a boolean, exactly as in the
 * reference). Thread-safe; stateless.
 */
public final class ConfigValueFormat {
  private static final BigInteger JS_INTEGER_LIMIT = BigInteger.TEN.pow(21);

  private ConfigValueFormat() {}

  /** The {@code -c} value text for {@code value} (JSON null or Java null → {@code null}). */
  public static String format(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "null";
    }
    if (value.isContainerNode()) {
      return Json.write(value);
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isBoolean()) {
      return value.asBoolean() ? "true" : "false";
    }
    if (value.isIntegralNumber()) {
      BigInteger i = value.bigIntegerValue();
      if (i.abs().compareTo(JS_INTEGER_LIMIT) < 0) {
        return i.toString();
      }
      return jsNumber(i.doubleValue());
    }
    if (value.isNumber()) {
      return jsNumber(value.doubleValue());
    }
    return value.asText();
  }

  /**
   * JavaScript {@code Number.prototype.toString()} for a double (ECMAScript Number::toString).
   * Digits come from {@link Double#toString}, which on Java 17 is the shortest representation in
   * all but rare cases.
   */
  public static String jsNumber(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return "0";
    }
    if (d < 0) {
      return "-" + jsNumber(-d);
    }
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int k = digits.length();
    // value = 0.digits × 10^n
    int n = k - bd.scale();
    StringBuilder sb = new StringBuilder();
    if (k <= n && n <= 21) {
      sb.append(digits);
      sb.append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      sb.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      sb.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return sb.toString();
  }
}
