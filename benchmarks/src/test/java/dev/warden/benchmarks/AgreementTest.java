package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.warden.Decision;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.benchmarks.DataSet.Size;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three engines and the plain HashMap baseline mean the same thing: the set-up pre-check passes on
 * the tiny data set; on that data set Warden, jCasbin, Cedar (both ways) and the baseline agree on every
 * (member, capability, target) there is, so the models in src/main/resources are equivalent to the
 * matrix, not only on the mix; and on the tiny and small data sets all of them answer every request of
 * the realistic mix as the reference model expects.
 */
class AgreementTest {
  private static DataSet data;
  private static WardenSide warden;
  private static CasbinSide casbin;
  private static CedarSide cedar;
  private static HashMapSide baseline;

  @BeforeAll
  static void load() {
    data = DataSet.generate(Size.TINY);
    warden = WardenSide.load(data);
    casbin = CasbinSide.load(data, true);
    cedar = CedarSide.load(data, true);
    baseline = HashMapSide.load(data, data.mix());
  }

  @Test
  void precheck_tinyDataSet_baselineIncluded_passes() {
    assertThatCode(() -> Agreement.check(data, data.mix(), warden, casbin, cedar, baseline))
        .doesNotThrowAnyException();
  }

  /**
   * Every engine, the HashMap baseline included, answers every one of the 1,024 requests of the
   * realistic mix as the reference model expects (Cedar both ways, jCasbin both ways, hit and miss).
   */
  @ParameterizedTest
  @EnumSource(value = Size.class, names = {"TINY", "SMALL"})
  void realisticMix_allEnginesAndBaseline_agreeOnEveryRequest(Size size) {
    DataSet d = DataSet.generate(size);
    List<Request> mix = d.realisticMix();
    WardenSide w = WardenSide.load(d, mix);
    CasbinSide cas = CasbinSide.load(d, mix, true);
    CedarSide ced = CedarSide.load(d, mix, true);
    HashMapSide base = HashMapSide.load(d, mix);
    assertThatCode(() -> Agreement.check(d, mix, w, cas, ced, base)).doesNotThrowAnyException();
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < mix.size(); i++) {
      Request r = mix.get(i);
      boolean expected = r.expect() == DataSet.Expect.ALLOW;
      Decision decision = w.check(i);
      boolean[] answers = {decision.allowed(), base.check(i), cas.enforce(i), cas.enforceCached(i),
          cas.enforceCached(i), ced.authorize(i), ced.authorizeSlice(i)};
      for (boolean a : answers) {
        if (a != expected) {
          disagreements.add(r + ": expected " + r.expect() + "; Warden " + decision + ", baseline " + answers[1]
              + ", jCasbin " + answers[2] + ", cached " + answers[3] + "/" + answers[4] + ", Cedar " + answers[5]
              + ", Cedar slice " + answers[6]);
          break;
        }
      }
      if (!decision.outcome().name().equals(r.expect().name())) {
        disagreements.add(r + ": Warden " + decision + ", expected " + r.expect());
      }
    }
    assertThat(mix).hasSize(DataSet.REALISTIC_MIX_SIZE);
    assertThat(disagreements).isEmpty();
  }

  @Test
  void precheck_tinyDataSet_passes() {
    assertThatCode(() -> Agreement.check(data, warden, casbin, cedar)).doesNotThrowAnyException();
  }

  @Test
  void everyRequest_tinyDataSet_allEnginesAgree() {
    List<String> disagreements = new ArrayList<>();
    int checked = 0;
    for (Member m : data.members()) {
      for (Capability c : PermissionMatrix.posthog().capabilities()) {
        if (c.scope() == Capability.Scope.ORGANIZATION) {
          checked++;
          compare(disagreements, m, c, null);
        } else {
          for (DataSet.Project p : data.projects()) {
            checked++;
            compare(disagreements, m, c, p);
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(500);
    assertThat(disagreements).isEmpty();
  }

  private static void compare(List<String> out, Member m, Capability c, DataSet.Project p) {
    Decision d = warden.check(m.user(), c, m.org(), p == null ? null : p.id());
    boolean w = d.allowed();
    boolean cas = casbin.enforce(m.user(), c, m.org(), p == null ? null : p.id());
    boolean ced = cedar.authorize(m.user(), c, m.org(), p == null ? null : p.id());
    boolean slice = cedar.authorizeSlice(m.user(), c, m.org(), p == null ? null : p.id());
    boolean base = baseline.check(m.user(), c, p == null ? null : p.id());
    if (w != cas || w != ced || w != slice || w != base) {
      out.add(m.user() + " " + c + " on " + (p == null ? m.org() : p.id()) + ": Warden " + d + ", jCasbin " + cas
          + ", Cedar " + ced + ", Cedar slice " + slice + ", HashMap baseline " + base);
    }
  }
}
