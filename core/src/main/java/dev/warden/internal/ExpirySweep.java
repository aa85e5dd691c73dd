package dev.warden.internal;

import dev.warden.NotFoundException;
import dev.warden.audit.Change;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectGrant;
import dev.warden.report.SweepReport;
import dev.warden.spi.StoreOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The expiry sweep (SPEC §3): removes expired memberships (with their grants and rules) and expired
 * grants, as the system actor, audited one by one. Expired access grants nothing whether or not it is
 * swept ({@link dev.warden.Expiry}); sweeping keeps lists and the store tidy. Thread-safe. Not API.
 */
public final class ExpirySweep {
  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweep.class);

  private final Engine engine;

  public ExpirySweep(Engine engine) {
    this.engine = engine;
  }

  /** Sweeps every organization, one mutation each; an organization deleted meanwhile is skipped. */
  public SweepReport sweepAll() {
    SweepReport total = new SweepReport(0, 0);
    for (OrgId org : engine.store().inTransaction(tx -> tx.organizations().listIds())) {
      try {
        total = total.plus(sweep(org));
      } catch (NotFoundException e) {
        LOG.debug("organization {} was deleted during the sweep", org);
      }
    }
    return total;
  }

  /**
   * Removes the organization's expired memberships (with the member's grants) and expired grants, as
   * the system actor.
   */
  public SweepReport sweep(OrgId organization) {
    return engine.mutateAsSystem(organization, m -> {
      OrgState state = m.state();
      // Only what carries an expiry can have expired: the snapshot indexes it, so a sweep costs what it
      // finds, not the organization's size. Sorted, so the audit log reads in the store's order.
      List<Membership> expired = new ArrayList<>();
      state.forEachTimedMember(x -> {
        if (!x.activeAt(m.now())) {
          expired.add(x);
        }
      });
      expired.sort(StoreOrder.MEMBERS);
      for (Membership member : expired) {
        MemberService.delete(m, "member.expired", member);
      }
      List<ProjectGrant> lapsed = new ArrayList<>();
      state.forEachTimedGrant(g -> {
        Membership holder = state.members().get(g.user());
        if (!g.activeAt(m.now()) && holder != null && holder.activeAt(m.now())) {
          lapsed.add(g);
        }
      });
      lapsed.sort(Comparator
          .comparing((ProjectGrant g) -> state.projects().get(g.project()).project(), StoreOrder.PROJECTS)
          .thenComparing(StoreOrder.GRANTS));
      for (ProjectGrant g : lapsed) {
        m.apply(new Write.DeleteGrant(g.project(), g.user()));
        m.audit("grant.expired", g.project(), g.user(), Change.of("role", g.role(), null));
      }
      return new SweepReport(expired.size(), lapsed.size());
    });
  }
}
