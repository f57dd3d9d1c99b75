import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's time-skipping test server, started at a chosen instant.
 *
 * <p>The stock main (io.temporal.testserver.TestServer 1.31.0) always starts its clock at the present: it builds
 * {@code new TestServicesStarter(!enableTimeSkipping, 0)} (0 meaning "now"), binds the services it returns (operator,
 * test and workflow service) on the port with a gRPC health service marking each one SERVING
 * ({@code GRPCServerHelper.registerServicesAndHealthChecks}), no reflection service, and closes them in a shutdown
 * hook. A plan year in the past must run on its own calendar, so this main does the same with the initial time given:
 *
 * <pre>
 *   DubanTestServer &lt;port&gt; [--enable-time-skipping] [--initial-time 2017-01-01T00:00:00+08:00]
 * </pre>
 *
 * <p>@temporalio/testing runs scripts/temporal-test-server as {@code <port> --enable-time-skipping EXTRA...}, which
 * runs this class when {@code --initial-time} is among the arguments. Compiled by {@code scripts/stack.sh install}.
 */
public final class DubanTestServer {
  private DubanTestServer() {}

  private static final String USAGE =
      "usage: DubanTestServer <port> [--enable-time-skipping] [--initial-time ISO-8601 instant with offset,"
          + " e.g. 2017-01-01T00:00:00+08:00]";

  public static void main(String[] args) throws IOException, InterruptedException {
    int port = -1;
    boolean timeSkipping = false;
    long initialTimeMillis = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (i == 0) {
        port = parsePort(arg);
      } else if (arg.equalsIgnoreCase("--enable-time-skipping")) {
        timeSkipping = true;
      } else if (arg.equals("--initial-time") && i + 1 < args.length) {
        initialTimeMillis = parseInstant(args[++i]);
      } else {
        fail("unknown or incomplete argument " + arg);
      }
    }
    if (port < 0) fail("the port is missing");

    // TestServer.main passes !enableTimeSkipping: time skipping locked unless the flag is given.
    TestServicesStarter services = new TestServicesStarter(!timeSkipping, initialTimeMillis);
    ServerBuilder<?> builder = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  try {
                    server.awaitTermination(5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  services.close();
                  server.shutdownNow();
                }));
    server.awaitTermination();
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) return port;
    } catch (NumberFormatException e) {
      // told below
    }
    fail("the port must be a number from 0 to 65535, not " + text);
    return -1;
  }

  /** Milliseconds since the epoch; the service reads 0 as "now", so the instant must be after 1970. */
  private static long parseInstant(String text) {
    long millis = 0;
    try {
      millis = OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      fail("--initial-time must be an ISO-8601 instant with its offset, e.g. 2017-01-01T00:00:00+08:00, not " + text);
    }
    if (millis <= 0) fail("--initial-time must be after 1970-01-01T00:00:00Z, not " + text);
    return millis;
  }

  private static void fail(String message) {
    System.err.println("DubanTestServer: " + message);
    System.err.println(USAGE);
    System.exit(2);
  }
}
