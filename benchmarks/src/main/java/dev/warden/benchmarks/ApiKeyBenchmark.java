package dev.warden.benchmarks;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of {@code apiKeys().authenticate(value)} on the in-memory store: hash the presented value
 * (SHA-256), look the hash up in the store, compare in constant time, build the key's principal. The
 * last-used instant is written at most once a minute, so nearly every call only reads.
 *
 * <ul>
 *   <li>{@link #valid}: a live key.
 *   <li>{@link #unknown}: a well-formed value ({@code wdk_} + 43 characters) that no key has: the same
 *       hashing and lookup, an empty result.
 *   <li>{@link #malformed}: a value of the wrong shape, refused before hashing.
 *   <li>{@link #validThenCheck}: what a host does per API request: authenticate, then {@code check}
 *       with the key's principal (the user's decision narrowed by the key's scopes).
 * </ul>
 *
 * Run with {@code -prof gc} for bytes per call ({@code gc.alloc.rate.norm}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ApiKeyBenchmark {
  private AccessPolicy policy;
  private String validValue;
  private String unknownValue;
  private String malformedValue;
  private ProjectId project;

  @Setup(Level.Trial)
  public void setUp() {
    policy = AccessPolicy.inMemory();
    Principal alice = Principal.user(UserId.of("alice"), "alice@bench.example.com");
    OrgId org = policy.organizations().create(alice, "Bench Org").id();
    project = policy.projects().create(alice, org, "Production").id();
    validValue = policy.apiKeys().create(alice, ApiKeyRequest.labeled("CI export").scopes("query:read")).value();
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    unknownValue = "wdk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    if (unknownValue.length() != validValue.length()) {
      throw new IllegalStateException("the unknown value must have the shape of a real one");
    }
    malformedValue = "wdk_not-a-key";
    if (policy.apiKeys().authenticate(validValue).isEmpty() || policy.apiKeys().authenticate(unknownValue).isPresent()
        || policy.apiKeys().authenticate(malformedValue).isPresent() || !validThenCheck().allowed()) {
      throw new IllegalStateException("authenticate answers wrongly; refusing to benchmark");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    policy.close();
  }

  @Benchmark
  public Optional<Principal> valid() {
    return policy.apiKeys().authenticate(validValue);
  }

  @Benchmark
  public Optional<Principal> unknown() {
    return policy.apiKeys().authenticate(unknownValue);
  }

  @Benchmark
  public Optional<Principal> malformed() {
    return policy.apiKeys().authenticate(malformedValue);
  }

  @Benchmark
  public Decision validThenCheck() {
    Principal key = policy.apiKeys().authenticate(validValue).orElseThrow();
    return policy.check(key, Capability.VIEW_DATA, project);
  }
}
