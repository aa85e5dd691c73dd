package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.warden.Decision;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.benchmarks.DataSet.Size;
import dev.warden.matrix.Capability;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three engines mean the same thing: the set-up pre-check passes on the tiny data set, and on that
 * data set Warden, jCasbin and Cedar (both ways) agree on every (member, capability, target) there is, so
 * the models in src/main/resources are equivalent to the matrix, not only on the mix.
 */
class AgreementTest {
  private static DataSet data;
  private static WardenSide warden;
  private static CasbinSide casbin;
  private static CedarSide cedar;

  @BeforeAll
  static void load() {
    data = DataSet.generate(Size.TINY);
    warden = WardenSide.load(data);
    casbin = CasbinSide.load(data, true);
    cedar = CedarSide.load(data, true);
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
      for (Capability c : Capability.values()) {
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
    if (w != cas || w != ced || w != slice) {
      out.add(m.user() + " " + c + " on " + (p == null ? m.org() : p.id()) + ": Warden " + d + ", jCasbin " + cas
          + ", Cedar " + ced + ", Cedar slice " + slice);
    }
  }
}
