import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark baseline: the cheapest JVM that speaks "a line in, a line out" on stdio.
 *
 * <p>Without arguments it reads one line from stdin, writes one JSON line to stdout and then
 * waits for end of input (so its memory can be read like the server's). With {@code echo} it
 * answers every line with the same line until stdin closes (pipe round-trip baseline).
 */
public final class OneLine {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    boolean echo = args.length > 0 && args[0].equals("echo");
    String line = in.readLine();
    if (line == null) {
      return;
    }
    out.print(echo ? line + "\n" : "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
    out.flush();
    while ((line = in.readLine()) != null) {
      if (echo) {
        out.print(line + "\n");
        out.flush();
      }
    }
  }
}
