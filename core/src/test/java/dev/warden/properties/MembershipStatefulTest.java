package dev.warden.properties;

import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.testing.Covered;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of membership and role operations on the in-memory store, under both presets,
 * checked step by step against {@link MembershipModel}: the outcome of every action (success or the §15 error code),
 * "a refused action changes nothing", and the invariants of {@link MembershipModel#checkInvariants()}
 * (at least one Owner, exactly one under single ownership; an invite is accepted at most once; hidden
 * projects never leak; expired memberships and grants never grant; {@code check}, {@code visibleProjects}
 * and {@code whoCan} agree with each other and with the reference of §2.3 extended by the roles of
 * issue 16; role members and grants equal the reference; {@code previewResolutionChange} predicts
 * every switch of the resolution rule).
 *
 * <p>A failure prints the shrunk chain and, in the assertion message, each step as it ran (who acted,
 * on what, and the outcome) plus the reference state.
 */
class MembershipStatefulTest {

  private static final int MAX_STEPS = 40;

  @Property(tries = 100)
  void posthog_randomOperations_keepEveryInvariant(@ForAll("posthogChains") ActionChain<MembershipModel> chain) {
    runAndCollect(chain);
  }

  @Property(tries = 100)
  void leastPrivilege_randomOperations_keepEveryInvariant(
      @ForAll("leastPrivilegeChains") ActionChain<MembershipModel> chain) {
    runAndCollect(chain);
  }

  @Provide
  Arbitrary<ActionChain<MembershipModel>> posthogChains() {
    return MembershipModel.chains(PermissionMatrix.posthog(), InMemoryStore::create).withMaxTransformations(MAX_STEPS);
  }

  @Provide
  Arbitrary<ActionChain<MembershipModel>> leastPrivilegeChains() {
    return MembershipModel.chains(PermissionMatrix.leastPrivilege(), InMemoryStore::create)
        .withMaxTransformations(MAX_STEPS);
  }

  private static void runAndCollect(ActionChain<MembershipModel> chain) {
    MembershipModel end = chain.withInvariant("spec invariants", MembershipModel::checkInvariants).run();
    for (String outcome : end.outcomes()) {
      Statistics.label("outcomes").collect(outcome);
    }
    Covered.eachSeen("outcomes", List.of(
        "accept OK",
        "accept INVITE_ALREADY_USED",
        "changeLevel OK",
        "transferOwnership OK",
        "grant OK",
        "remove OK",
        "setExpiry OK",
        "createRole OK",
        "addRoleMember OK",
        "addRoleMember NOT_A_MEMBER",
        "addRoleMember PERMISSION_DENIED",
        "grantRoleCapability OK",
        "grantRoleCapability CAPABILITY_NOT_DELEGABLE",
        "grantRoleAccess OK",
        "removeRoleMember OK",
        "deleteRole OK",
        "previewResolution OK",
        "switchResolution OK",
        "previewResolution (invariant) predicted changes"));
  }
}
