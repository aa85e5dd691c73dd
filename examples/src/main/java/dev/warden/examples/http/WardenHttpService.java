package dev.warden.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.WardenException;
import dev.warden.examples.http.Router.Match;
import dev.warden.examples.http.Router.Response;
import dev.warden.jdbc.JdbcStore;
import dev.warden.organization.UserId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP service guarded by Warden, on the JDK's own {@link HttpServer}: organizations, members,
 * invites, projects, grants and personal API keys over JSON, plus two endpoints of the host's own
 * ({@code GET /projects/{id}/data}, {@code POST /projects/{id}/insights}) that it protects with
 * {@link AccessPolicy#check}. Warden is stored in an in-memory H2 database through {@code spi-jdbc}, or
 * in Warden's in-memory store with {@code --in-memory}.
 *
 * <pre>
 * ./mvnw -q -pl examples -am test-compile exec:java@http                                   # port 8080, H2
 * ./mvnw -q -pl examples -am test-compile exec:java@http -Dexec.args="--port 9090 --in-memory"
 * </pre>
 *
 * <p><b>Who is calling.</b> Warden never authenticates anyone; the host does, and tells Warden who is
 * calling. This example <em>trusts</em> the {@code X-User-Id} header (and {@code X-User-Email}, taken as
 * the verified email) as a stand-in for your login: <b>anyone who can reach the port can claim to be
 * anyone</b>. That is why it listens on 127.0.0.1 only. In a real service, build the {@link Principal}
 * from your session or token instead ({@code Principal.user(id, verifiedEmail).via(…).withMfa(…)}). The
 * other way in, {@code Authorization: Bearer phx_…}, is real: the personal API key is resolved by
 * {@code policy.apiKeys().authenticate}, and an unknown or revoked key is answered 401.
 *
 * <p><b>Answers.</b> JSON in and out; errors are {@code {"error": CODE, "message": …}} with the status
 * of {@link HttpStatuses}. No stack trace, SQL error or secret ever reaches a response or the log:
 * invite tokens and API key values appear only in the responses that create them, and travel in
 * request bodies and headers, never in URLs.
 */
public final class WardenHttpService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WardenHttpService.class);
  private static final int MAX_BODY_BYTES = 64 * 1024;

  /** Where Warden keeps its state. */
  public enum Storage {
    /** H2 in memory, through {@code spi-jdbc}: the schema Warden uses on PostgreSQL too. */
    H2,
    /** Warden's own in-memory store ({@code --in-memory}). */
    IN_MEMORY
  }

  /**
   * How to start the service.
   *
   * @param port the port on 127.0.0.1; 0 picks a free one (tests)
   * @param jdbcUrl the H2 URL, used with {@link Storage#H2}
   * @param clock the clock Warden judges expiries by; tests pass one they can move
   */
  public record Options(int port, Storage storage, String jdbcUrl, Clock clock) {
    /** The default H2 database: in memory, alive until the JVM exits. */
    public static final String DEFAULT_JDBC_URL = "jdbc:h2:mem:warden;DB_CLOSE_DELAY=-1";

    public Options {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0-65535, but was " + port);
      }
      Objects.requireNonNull(storage, "storage");
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      Objects.requireNonNull(clock, "clock");
    }

    /**
     * Port 8080, H2 at {@link #DEFAULT_JDBC_URL}, the system UTC clock ticking in microseconds: the JDBC
     * store keeps instants to the microsecond, so a clock with nanoseconds would make a {@code createdAt}
     * in a create response differ from the same one read back later.
     */
    public static Options defaults() {
      return new Options(8080, Storage.H2, DEFAULT_JDBC_URL, Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000)));
    }

    public Options port(int newPort) {
      return new Options(newPort, storage, jdbcUrl, clock);
    }

    public Options storage(Storage newStorage) {
      return new Options(port, newStorage, jdbcUrl, clock);
    }

    public Options jdbcUrl(String newJdbcUrl) {
      return new Options(port, storage, newJdbcUrl, clock);
    }

    public Options clock(Clock newClock) {
      return new Options(port, storage, jdbcUrl, newClock);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final AccessPolicy policy;
  private final JdbcDataSource h2;
  private final Router router;

  private WardenHttpService(HttpServer server, ExecutorService executor, AccessPolicy policy, JdbcDataSource h2,
      Clock clock) {
    this.server = server;
    this.executor = executor;
    this.policy = policy;
    this.h2 = h2;
    this.router = new WardenApi(policy, clock).routes();
  }

  /**
   * Starts the service: builds the policy on the chosen store and listens on 127.0.0.1.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static WardenHttpService start(Options options) {
    Objects.requireNonNull(options, "options");
    JdbcDataSource h2 = null;
    AccessPolicy.Builder builder = AccessPolicy.builder().clock(options.clock());
    if (options.storage() == Storage.H2) {
      h2 = new JdbcDataSource();
      h2.setURL(options.jdbcUrl());
      builder.store(JdbcStore.h2(h2)); // migrates the schema (Flyway) before it returns
    }
    AccessPolicy policy = builder.build();
    ExecutorService executor = Executors.newFixedThreadPool(8, daemonThreads());
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
      WardenHttpService service = new WardenHttpService(server, executor, policy, h2, options.clock());
      server.createContext("/", service::handle);
      server.setExecutor(executor);
      server.start();
      LOG.info("Warden HTTP service listening on {} ({})", service.uri(), options.storage());
      return service;
    } catch (IOException e) {
      executor.shutdownNow();
      policy.close();
      shutdownH2(h2);
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + options.port(), e);
    }
  }

  /** {@code --port N} (or {@code -Dwarden.port=N}; default 8080) and {@code --in-memory}. */
  public static void main(String[] args) throws InterruptedException {
    Options options = Options.defaults().port(Integer.getInteger("warden.port", 8080));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--in-memory" -> options = options.storage(Storage.IN_MEMORY);
        case "--port" -> {
          if (i + 1 == args.length) {
            usage("--port needs a number");
            return;
          }
          options = options.port(parsePort(args[++i]));
        }
        case "--help", "-h" -> {
          usage(null);
          return;
        }
        default -> {
          usage("unknown argument " + args[i]);
          return;
        }
      }
    }
    WardenHttpService service = start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }, "warden-http-shutdown"));
    System.out.println("Warden HTTP service on " + service.uri() + " (" + options.storage() + "); Ctrl-C stops it.");
    System.out.println("It trusts X-User-Id as the caller: a stand-in for your login, never for production.");
    stopped.await();
  }

  private static int parsePort(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port needs a number, but was " + value, e);
    }
  }

  private static void usage(String problem) {
    if (problem != null) {
      System.err.println(problem);
    }
    System.err.println("usage: WardenHttpService [--port N] [--in-memory]   (default: port 8080, H2 in memory)");
  }

  /** The base URI, e.g. {@code http://127.0.0.1:8080}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The port listened on (the chosen one when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops listening, then closes the policy and drops the H2 database. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    policy.close();
    shutdownH2(h2);
  }

  private static void shutdownH2(JdbcDataSource h2) {
    if (h2 == null) {
      return;
    }
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      LOG.warn("could not shut down the H2 database: {}", e.getSQLState());
    }
  }

  // ------------------------------------------------------------------------------------------ one exchange

  private void handle(HttpExchange exchange) {
    long start = System.nanoTime();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    int status = 500;
    try {
      Response response = respond(exchange, method, path);
      status = response.status();
      send(exchange, response);
    } catch (IOException e) {
      LOG.debug("client went away: {} {}", method, path);
    } finally {
      exchange.close();
      // Method, path and status only: never headers (credentials) or bodies (tokens).
      LOG.debug("{} {} -> {} in {} ms", method, path, status, (System.nanoTime() - start) / 1_000_000);
    }
  }

  private Response respond(HttpExchange exchange, String method, String path) {
    try {
      Match match = router.match(method, path);
      if (match.handler().isEmpty()) {
        if (match.allowed().isEmpty()) {
          throw ApiError.of(404, "NO_ROUTE", "no endpoint " + path);
        }
        ApiError e = ApiError.of(405, "METHOD_NOT_ALLOWED", method + " is not allowed here; use " + match.allowed());
        return new Response(405, e.body(), Map.of("Allow", String.join(", ", match.allowed())));
      }
      Request request = new Request(match.params(), exchange.getRequestURI().getRawQuery(),
          exchange.getRequestHeaders(), () -> readBody(exchange), this::authenticate);
      if (match.authenticated()) {
        request.principal(); // 401 comes before anything the body or the target could cause
      }
      return match.handler().get().handle(request);
    } catch (ApiError e) {
      return error(e);
    } catch (WardenException e) {
      ApiError answer = HttpStatuses.of(e);
      if (answer.status() >= 500) {
        // The cause (an SQLException) stays in the log; the response says only what the code says.
        LOG.error("{} {} failed: {}", method, path, e.code(), e);
      }
      return error(answer);
    } catch (IllegalArgumentException e) {
      // Warden's validation (names, emails, ids, scopes, cursors): the message names the argument.
      return error(ApiError.badRequest(e.getMessage() == null ? "bad request" : e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("{} {} failed unexpectedly", method, path, e);
      return error(ApiError.of(500, "INTERNAL_ERROR", "unexpected error"));
    }
  }

  private static Response error(ApiError e) {
    Map<String, String> headers = e.status() == 401 ? Map.of("WWW-Authenticate", "Bearer") : Map.of();
    return new Response(e.status(), e.body(), headers);
  }

  /**
   * The caller, from {@code Authorization: Bearer phx_…} (a personal API key Warden resolves) or from
   * {@code X-User-Id}/{@code X-User-Email}, which this example trusts as a stand-in for the host's login.
   */
  private Principal authenticate(Request r) {
    Optional<String> authorization = r.header("Authorization");
    Optional<String> userId = r.header("X-User-Id");
    if (authorization.isPresent() && userId.isPresent()) {
      throw ApiError.badRequest("send either Authorization or X-User-Id, not both");
    }
    if (authorization.isPresent()) {
      String value = authorization.get().strip();
      if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw ApiError.unauthenticated("Authorization must be 'Bearer phx_…' (a personal API key)");
      }
      return policy.apiKeys().authenticate(value.substring(7).strip())
          .orElseThrow(() -> ApiError.unauthenticated("unknown, revoked or malformed API key"));
    }
    if (userId.isPresent()) {
      Principal user = Principal.user(UserId.of(userId.get()));
      Optional<String> email = r.header("X-User-Email");
      return email.isPresent() ? user.withEmail(email.get()) : user;
    }
    throw ApiError.unauthenticated(
        "no credentials: send X-User-Id (this example's stand-in for your login) or Authorization: Bearer phx_…");
  }

  private static String readBody(HttpExchange exchange) {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw ApiError.of(413, "PAYLOAD_TOO_LARGE", "request body must be at most " + MAX_BODY_BYTES + " bytes");
      }
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("request body must be UTF-8");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    var headers = exchange.getResponseHeaders();
    response.headers().forEach(headers::set);
    headers.set("Cache-Control", "no-store"); // responses may carry a token shown once
    headers.set("X-Content-Type-Options", "nosniff");
    if (response.body() == null) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    byte[] bytes = (Json.write(response.body()) + "\n").getBytes(UTF_8); // the newline is for curl users
    headers.set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, "warden-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
