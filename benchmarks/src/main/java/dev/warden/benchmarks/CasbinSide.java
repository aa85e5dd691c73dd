package dev.warden.benchmarks;

import dev.warden.benchmarks.DataSet.Grant;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.casbin.jcasbin.main.CachedEnforcer;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.casbin.jcasbin.persist.file_adapter.FileAdapter;

/**
 * The {@link DataSet} in jCasbin: the RBAC-with-domains model of {@code casbin-model.conf}, the fixed
 * matrix rules of {@code casbin-policy.csv}, and one generated line per membership, grant and open
 * project, loaded the way a host loads a policy file (a {@link FileAdapter} over the text).
 *
 * <p>Two enforcers over the same policy: the plain {@link Enforcer} and the {@link CachedEnforcer},
 * which memoizes each distinct request. The cached enforcer clears its cache on {@code removePolicy}
 * and {@code loadPolicy} only; adding or removing a grouping rule (a role change: a grant, a level
 * change, a member leaving) leaves stale answers in it, so a host would have to call
 * {@code invalidateCache()} after every role change.
 */
public final class CasbinSide {
  static final String MODEL_RESOURCE = "casbin-model.conf";
  static final String POLICY_RESOURCE = "casbin-policy.csv";

  private final Enforcer enforcer;
  private final CachedEnforcer cached;
  private final Object[][] requests;

  private CasbinSide(Enforcer enforcer, CachedEnforcer cached, List<Request> mix) {
    this.enforcer = enforcer;
    this.cached = cached;
    this.requests = new Object[mix.size()][];
    for (int i = 0; i < mix.size(); i++) {
      Request r = mix.get(i);
      requests[i] = request(r.user(), r.capability(), r.org(), r.project());
    }
  }

  /**
   * Loads {@code data} into a plain enforcer and, with {@code withCache}, into a cached one too (only
   * the benchmark that measures it needs it).
   */
  public static CasbinSide load(DataSet data, boolean withCache) {
    return load(data, data.mix(), withCache);
  }

  /** Like {@link #load(DataSet, boolean)}, answering {@code requests} (e.g. the realistic mix) by index. */
  public static CasbinSide load(DataSet data, List<Request> requests, boolean withCache) {
    String model = resource(MODEL_RESOURCE);
    String policy = policy(data);
    Enforcer enforcer = new Enforcer(Model.newModelFromString(model), adapter(policy), false);
    CachedEnforcer cached = withCache ? new CachedEnforcer(Model.newModelFromString(model), adapter(policy)) : null;
    // Logging every request would dominate the measurement; hosts turn it off too. The switch is
    // static, and the CachedEnforcer constructor turns it back on.
    enforcer.enableLog(false);
    return new CasbinSide(enforcer, cached, requests);
  }

  private static FileAdapter adapter(String policy) {
    return new FileAdapter(new ByteArrayInputStream(policy.getBytes(StandardCharsets.UTF_8)));
  }

  /** The whole policy text for {@code data}: the fixed matrix rules, then the generated lines. */
  public static String policy(DataSet data) {
    StringBuilder s = new StringBuilder(resource(POLICY_RESOURCE));
    s.append("\n# Generated for ").append(data).append('\n');
    for (Member m : data.members()) {
      s.append("g, ").append(m.user().value()).append(", org:").append(m.level()).append(", ")
          .append(m.org().value()).append('\n');
    }
    for (Grant g : data.grants()) {
      s.append("g, ").append(g.user().value()).append(", project:").append(g.role()).append(", ")
          .append(g.project().value()).append('\n');
    }
    for (DataSet.Project p : data.projects()) {
      if (p.open()) {
        s.append("g2, ").append(p.id().value()).append(", default:").append(p.defaultRole()).append('\n');
      }
    }
    return s.toString();
  }

  /** The request tuple {@code (sub, org, obj, act)} of the model. */
  static Object[] request(UserId user, Capability capability, OrgId org, ProjectId project) {
    return new Object[] {user.value(), org.value(), project == null ? org.value() : project.value(), capability.name()};
  }

  /** Enforces request {@code i} of the mix with the plain enforcer. */
  public boolean enforce(int i) {
    return enforcer.enforce(requests[i]);
  }

  /** Enforces request {@code i} of the mix with the cached enforcer. */
  public boolean enforceCached(int i) {
    return cached.enforce(requests[i]);
  }

  /** Whether the cached enforcer was loaded. */
  public boolean hasCache() {
    return cached != null;
  }

  /** Enforces an arbitrary request with the plain enforcer (agreement tests). */
  public boolean enforce(UserId user, Capability capability, OrgId org, ProjectId project) {
    return enforcer.enforce(request(user, capability, org, project));
  }

  static String resource(String name) {
    try (InputStream in = CasbinSide.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
