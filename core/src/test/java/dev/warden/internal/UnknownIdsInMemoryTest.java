package dev.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.NotFoundException;
import dev.warden.Principal;
import dev.warden.ProjectAccess;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.Visibility;
import dev.warden.role.RoleId;
import dev.warden.testing.InterceptingStore;
import dev.warden.testing.OrgFixtures;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 7, on a store that is not shared (the in-memory store): an unknown organization or
 * project id is answered from the cache's index of ids like a hidden one, without touching the store.
 * Before, every unknown project id ran a store transaction (10 to 40 times a hidden project's cost).
 * Role ids are indexed the same way, so reading a role needs no store query either.
 */
class UnknownIdsInMemoryTest {
  private final AtomicLong repositoryCalls = new AtomicLong();
  private final AccessPolicy policy = AccessPolicy.builder()
      .store(InterceptingStore.intercepting(InMemoryStore.create(), (repository, method, args, proceed) -> {
        repositoryCalls.incrementAndGet();
        return proceed.get();
      }))
      .build();
  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");

  @Test
  void check_unknownIds_touchNoStore_andAnswerLikeAHiddenProject() {
    OrgId org = policy.organizations().create(alice, "Acme").id();
    OrgFixtures.join(policy, alice, org, bob, OrgLevel.MEMBER);
    ProjectId hidden = policy.projects().create(alice, org, "Production").id();
    policy.projects().setVisibility(alice, hidden, Visibility.PRIVATE);
    assertThat(policy.check(bob, Capability.VIEW_DATA, ProjectId.of("prj_warm_up"))).isSameAs(Decision.notFound());
    long before = repositoryCalls.get();

    for (int i = 0; i < 1_000; i++) {
      String random = UUID.randomUUID().toString();
      assertThat(policy.check(bob, Capability.VIEW_DATA, ProjectId.of("prj_" + random))).isSameAs(Decision.notFound());
      assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, OrgId.of("org_" + random)))
          .isSameAs(Decision.notFound());
      assertThat(policy.check(bob, Capability.VIEW_DATA, hidden)).isSameAs(Decision.notFound());
    }

    assertThat(repositoryCalls.get() - before).isZero();
  }

  @Test
  void roleReads_knownUnknownAndHidden_touchNoStore_andTheLastTwoAnswerAlike() {
    OrgId org = policy.organizations().create(alice, "Acme").id();
    Principal olga = Principal.user(UserId.of("olga"), "olga@other.com");
    OrgId other = policy.organizations().create(olga, "Other").id();
    RoleId mine = policy.roles().create(alice, org, "Support").id();
    RoleId theirs = policy.roles().create(olga, other, "Support").id();
    assertThat(policy.roles().members(alice, mine)).isEmpty();
    // The first unknown id loads the index of ids, once: three queries.
    assertThatThrownBy(() -> policy.roles().members(alice, RoleId.of("rol_warm_up")))
        .isInstanceOf(NotFoundException.class);
    long before = repositoryCalls.get();

    for (int i = 0; i < 100; i++) {
      assertThat(policy.roles().members(alice, mine)).isEmpty();
      RoleId unknown = RoleId.of("rol_" + UUID.randomUUID());
      Throwable missing = catchThrowable(() -> policy.roles().members(alice, unknown));
      Throwable hidden = catchThrowable(() -> policy.roles().members(alice, theirs));
      assertThat(missing).isInstanceOf(NotFoundException.class);
      assertThat(hidden).isInstanceOf(NotFoundException.class).hasMessage(missing.getMessage());
    }

    assertThat(repositoryCalls.get() - before).isZero();
  }

  @Test
  void roleCreatedAndDeletedThroughThePolicy_isFoundAndGoneAtOnce() {
    OrgId org = policy.organizations().create(alice, "Acme").id();
    RoleId role = policy.roles().create(alice, org, "Support").id();
    assertThat(policy.roles().grants(alice, role)).isEmpty();
    policy.roles().delete(alice, role);
    assertThatThrownBy(() -> policy.roles().grants(alice, role)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> policy.roles().rename(alice, role, "Again")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void projectCreatedThroughThePolicy_isCheckableAtOnce() {
    OrgId org = policy.organizations().create(alice, "Acme").id();
    assertThat(policy.check(alice, Capability.VIEW_DATA, ProjectId.of("prj_later"))).isSameAs(Decision.notFound());
    ProjectId created = policy.projects().create(alice, org, "Later").id();
    assertThat(policy.check(alice, Capability.VIEW_DATA, created).outcome()).isEqualTo(Decision.Outcome.ALLOW);
  }

  @Test
  void projectAccess_heldAcrossItsOrganizationsDeletion_touchesNoStore() {
    OrgId org = policy.organizations().create(alice, "Acme").id();
    ProjectId project = policy.projects().create(alice, org, "Production").id();
    ProjectAccess access = policy.access(alice, project);
    assertThat(access.check(Capability.VIEW_DATA).outcome()).isEqualTo(Decision.Outcome.ALLOW);
    policy.organizations().delete(alice, org);
    assertThat(access.check(Capability.VIEW_DATA)).isSameAs(Decision.notFound()); // loads the index of ids, once
    long before = repositoryCalls.get();

    for (int i = 0; i < 100; i++) {
      assertThat(access.check(Capability.VIEW_DATA)).isSameAs(Decision.notFound());
    }

    assertThat(repositoryCalls.get() - before).isZero();
  }
}
