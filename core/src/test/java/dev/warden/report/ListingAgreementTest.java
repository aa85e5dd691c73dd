package dev.warden.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.Decision.Outcome;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.testing.FakeClock;
import dev.warden.testing.WardenArbitraries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Issue 14: the reports and lists that no longer decide every member on every project agree with the
 * plain checks they summarize, on random organizations (levels, expired and expiring memberships and
 * grants, open and private projects with every default role, resources with rules, both presets and
 * the Members-may-invite override):
 * <ul>
 *   <li>{@code whoCan} lists exactly the active members whose {@code check} allows, for every
 *       capability on the organization, every project and every resource; its pages, of any size, put
 *       together give the unpaginated list; each holder's role is the one {@code visibleProjects} shows;
 *   <li>{@code visibleProjects} lists exactly the projects whose check is not {@code NOT_FOUND}, in
 *       creation order, and its pages put together give the whole list;
 *   <li>the registry's Viewers are the Members whose best role in {@code visibleProjects} is Viewer,
 *       and the review's members without projects those who see none.
 * </ul>
 * The organization is written through the store SPI, so expired access can be in it unswept.
 */
class ListingAgreementTest {
  private static final Instant NOW = FakeClock.START;
  private static final OrgId ORG = OrgId.of("org");
  private static final String INSIGHT = "insight";

  record MemberSpec(OrgLevel level, int expiry) {}

  record ProjectSpec(boolean open, ProjectRole defaultRole) {}

  record GrantSpec(int member, int project, ProjectRole role, int expiry) {}

  record ResourceSpec(int project, int creator, Optional<AccessLevel> everyone, Optional<AccessLevel> forFirstMember) {}

  record Plan(boolean leastPrivilege, boolean membersCanInvite, List<MemberSpec> members, List<ProjectSpec> projects,
      List<GrantSpec> grants, List<ResourceSpec> resources) {}

  @Property(tries = 100)
  void reportsAndListsAgreeWithChecks(@ForAll("plans") Plan plan) {
    AccessPolicy policy = load(plan);
    List<Membership> active = policy.directory().members(ORG, "test").stream()
        .filter(m -> m.activeAt(NOW)).toList();
    List<Project> projects = policy.directory().projects(ORG, "test");

    for (Capability c : WardenArbitraries.capabilitiesOf(Scope.ORGANIZATION)) {
      List<AccessHolder> all = policy.whoCan(c, ORG);
      assertThat(users(all)).as("whoCan(%s, org)", c)
          .isEqualTo(allowed(active, m -> policy.check(Principal.user(m.user()), c, ORG).outcome()));
      assertPagesEqual(all, (size, cursor) -> policy.whoCan(owner(), c, ORG, request(size, cursor)));
    }
    for (Project p : projects) {
      for (Capability c : WardenArbitraries.capabilitiesOf(Scope.PROJECT)) {
        List<AccessHolder> all = policy.whoCan(c, p.id());
        assertThat(users(all)).as("whoCan(%s, %s)", c, p.id())
            .isEqualTo(allowed(active, m -> policy.check(Principal.user(m.user()), c, p.id()).outcome()));
        for (AccessHolder h : all) {
          assertThat(h.role()).as("role of %s on %s", h.user(), p.id()).isEqualTo(policy.visibleProjects(h.user(), ORG)
              .stream().filter(v -> v.project().id().equals(p.id())).findFirst().map(VisibleProject::role));
        }
        assertPagesEqual(all, (size, cursor) -> policy.whoCan(owner(), c, p.id(), request(size, cursor)));
      }
    }
    for (int i = 0; i < plan.resources().size(); i++) {
      ResourceRef ref = resource(plan.resources().get(i), i);
      for (Capability c : WardenArbitraries.capabilitiesOf(Scope.PROJECT)) {
        List<AccessHolder> all = policy.whoCan(c, ref);
        assertThat(users(all)).as("whoCan(%s, %s)", c, ref)
            .isEqualTo(allowed(active, m -> policy.check(Principal.user(m.user()), c, ref).outcome()));
        assertPagesEqual(all, (size, cursor) -> policy.whoCan(owner(), c, ref, request(size, cursor)));
      }
    }

    List<UserId> viewers = new ArrayList<>();
    List<UserId> withoutProjects = new ArrayList<>();
    for (Membership m : active) {
      Principal who = Principal.user(m.user());
      List<VisibleProject> visible = policy.visibleProjects(who, ORG);
      assertThat(visible).extracting(VisibleProject::project).as("visibleProjects of %s", m.user())
          .isEqualTo(projects.stream()
              .filter(p -> policy.check(who, Capability.VIEW_DATA, p.id()).outcome() != Outcome.NOT_FOUND).toList());
      assertPagesEqual(visible, (size, cursor) -> policy.visibleProjects(who, ORG, request(size, cursor)));
      Optional<ProjectRole> best = visible.stream().map(VisibleProject::role).max(Comparator.naturalOrder());
      if (best.isEmpty()) {
        withoutProjects.add(m.user());
      } else if (best.get() == ProjectRole.VIEWER && m.level() == OrgLevel.MEMBER && m.expiresAt().isEmpty()) {
        viewers.add(m.user());
      }
    }
    AccessRegistry registry = policy.reports().registry(owner(), ORG);
    assertThat(registry.viewers()).extracting(RegistryEntry::user).containsExactlyInAnyOrderElementsOf(viewers);
    AccessReview review = policy.reports().review(owner(), ORG, Duration.ofDays(1), Duration.ofDays(1));
    assertThat(review.membersWithoutProjects()).extracting(Membership::user).isEqualTo(withoutProjects);
  }

  /** The pages of every size from 1 to 4, from the first to the last, put together. */
  private static <T> void assertPagesEqual(List<T> all, PageFetcher<T> fetch) {
    for (int size = 1; size <= 4; size++) {
      List<T> paged = new ArrayList<>();
      Optional<String> cursor = Optional.empty();
      do {
        Page<T> page = fetch.page(size, cursor.orElse(null));
        assertThat(page.items()).hasSizeLessThanOrEqualTo(size);
        assertThat(page.items().isEmpty()).as("only a first page may be empty").isEqualTo(paged.isEmpty() && all.isEmpty());
        paged.addAll(page.items());
        cursor = page.nextCursor();
      } while (cursor.isPresent());
      assertThat(paged).as("pages of %s", size).isEqualTo(all);
    }
  }

  @FunctionalInterface
  private interface PageFetcher<T> {
    Page<T> page(int size, String cursor);
  }

  private static PageRequest request(int size, String cursor) {
    return cursor == null ? PageRequest.first(size) : PageRequest.after(cursor, size);
  }

  private static List<UserId> users(List<AccessHolder> holders) {
    return holders.stream().map(AccessHolder::user).toList();
  }

  private static List<UserId> allowed(List<Membership> active, Function<Membership, Outcome> check) {
    return active.stream().filter(m -> check.apply(m) == Outcome.ALLOW).map(Membership::user).toList();
  }

  private static Principal owner() {
    return Principal.user(user(0));
  }

  /** User ids that do not sort in the order the members were made. */
  private static UserId user(int i) {
    return UserId.of("u" + (char) ('a' + (i * 7) % 26));
  }

  /** Project ids that do not sort in creation order; two projects share each creation instant. */
  private static ProjectId projectId(int i) {
    return ProjectId.of("p" + (9 - i));
  }

  private static ResourceRef resource(ResourceSpec r, int i) {
    return ResourceRef.of(projectId(r.project()), INSIGHT, "r" + i);
  }

  private static Optional<Instant> expiry(int kind) {
    return switch (kind) {
      case 1 -> Optional.of(NOW.minus(Duration.ofHours(1)));
      case 2 -> Optional.of(NOW.plus(Duration.ofHours(1)));
      default -> Optional.empty();
    };
  }

  private static AccessPolicy load(Plan plan) {
    InMemoryStore store = InMemoryStore.create();
    Instant created = NOW.minus(Duration.ofDays(1));
    OrganizationSettings settings = OrganizationSettings.defaults().withMembersCanInvite(plan.membersCanInvite());
    store.inTransaction(tx -> {
      tx.organizations().insert(new Organization(ORG, "Org", created, settings));
      for (int i = 0; i < plan.members().size(); i++) {
        MemberSpec m = plan.members().get(i);
        tx.memberships().insert(new Membership(ORG, user(i), Optional.of(EmailAddress.of(user(i).value() + "@acme.com")),
            m.level(), Optional.empty(), m.level() == OrgLevel.OWNER ? Optional.empty() : expiry(m.expiry()), created,
            Optional.empty()));
      }
      for (int i = 0; i < plan.projects().size(); i++) {
        ProjectSpec p = plan.projects().get(i);
        tx.projects().insert(new Project(projectId(i), ORG, "P" + i, p.open() ? Visibility.OPEN : Visibility.PRIVATE,
            p.defaultRole(), "phc_" + i, created.plusSeconds(i / 2)));
      }
      for (GrantSpec g : plan.grants()) {
        if (g.project() < plan.projects().size() && g.member() < plan.members().size()) {
          tx.grants().upsert(new ProjectGrant(projectId(g.project()), user(g.member()), g.role(), expiry(g.expiry()),
              user(0), created));
        }
      }
      for (int i = 0; i < plan.resources().size(); i++) {
        ResourceSpec r = plan.resources().get(i);
        ResourceRef ref = resource(r, i);
        tx.resources().insert(new Resource(ref, user(r.creator()), created));
        r.everyone().ifPresent(level -> tx.resources().upsertRule(ResourceRule.forEveryone(ref, level)));
        if (plan.members().size() > 1) {
          r.forFirstMember().ifPresent(level -> tx.resources().upsertRule(ResourceRule.forMember(ref, user(1), level)));
        }
      }
      return null;
    });
    return AccessPolicy.builder().store(store).clock(FakeClock.at(NOW))
        .matrix(plan.leastPrivilege() ? PermissionMatrix.leastPrivilege() : PermissionMatrix.posthog()).build();
  }

  @Provide
  Arbitrary<Plan> plans() {
    Arbitrary<Integer> expiries = Arbitraries.integers().between(0, 2);
    Arbitrary<MemberSpec> members = Combinators.combine(
        Arbitraries.of(OrgLevel.MEMBER, OrgLevel.MEMBER, OrgLevel.MEMBER, OrgLevel.ADMIN, OrgLevel.OWNER), expiries)
        .as(MemberSpec::new);
    Arbitrary<ProjectSpec> projects = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(ProjectRole.class))
        .as(ProjectSpec::new);
    // A few members with many grants each, mostly Viewer, so that members often hold grants on every open
    // project (the registry's Viewers then depend on each grant); the others with few or none.
    Arbitrary<GrantSpec> grants = Combinators.combine(Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, 3)), Tuple.of(1, Arbitraries.integers().between(0, 11))),
        Arbitraries.integers().between(0, 3),
        Arbitraries.of(ProjectRole.VIEWER, ProjectRole.VIEWER, ProjectRole.VIEWER, ProjectRole.MEMBER, ProjectRole.ADMIN),
        expiries).as(GrantSpec::new);
    Arbitrary<Optional<AccessLevel>> levels = Arbitraries.of(AccessLevel.class).optional(0.3);
    Arbitrary<List<ProjectSpec>> projectLists = projects.list().ofMaxSize(6);
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
            members.list().ofMinSize(0).ofMaxSize(11), projectLists, grants.list().ofMaxSize(24),
            Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 11), levels, levels)
                .as(ResourceSpec::new).list().ofMaxSize(3))
        .as((least, invite, others, ps, gs, rs) -> {
          List<MemberSpec> all = new ArrayList<>();
          all.add(new MemberSpec(OrgLevel.OWNER, 0));
          // Owners beyond the first only where ownership is multiple (leastPrivilege).
          others.forEach(m -> all.add(least || m.level() != OrgLevel.OWNER ? m : new MemberSpec(OrgLevel.ADMIN, m.expiry())));
          List<ResourceSpec> resources = rs.stream()
              .filter(r -> r.project() < ps.size() && r.creator() < all.size()).toList();
          return new Plan(least, invite, all, ps, gs, resources);
        });
  }
}
