package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
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
import java.time.Instant;
import java.util.Optional;

/**
 * One organization of a chosen shape, for the scale benchmarks of issue 14 ({@link MutationBenchmark},
 * {@link JoinBenchmark}, {@link SnapshotMemory}), where {@link DataSet}'s fixed sizes do not reach:
 * {@code members} members and {@code projects} projects, generated deterministically.
 *
 * <p>Shape: user 0 is the Owner, users 1 to {@link #admins()} are Admins, the rest Members. Odd projects
 * are private, even ones open with default role Member. Each Member holds {@link #grantsPerMember()}
 * grants (Viewer, Member and Admin in turn, no expiry) on a window of consecutive projects starting at
 * {@code i × projects / members}, so the grants spread over every project and each Member has private
 * projects outside its window ({@link #freePrivateProject}), which the grant benchmark uses.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param members members of the organization, the Owner included (at least 4)
 * @param projects projects of the organization (at least 4)
 */
public record OrgShape(int members, int projects) {
  /** The organization's id. */
  public static final OrgId ORG = OrgId.of("shape");

  public OrgShape {
    checkArgument(members >= 4, "members must be at least 4, but was %s", members);
    checkArgument(projects >= 4, "projects must be at least 4, but was %s", projects);
  }

  /** Admins: one in a hundred members, at least one. */
  public int admins() {
    return Math.max(1, members / 100);
  }

  /** Grants each Member holds: 10, or half the projects when there are fewer than 20. */
  public int grantsPerMember() {
    return Math.min(10, projects / 2);
  }

  /** Grants in the organization. */
  public long grants() {
    return (long) (members - 1 - admins()) * grantsPerMember();
  }

  /** User {@code i}, zero-padded to six digits so ids sort like their numbers. */
  public UserId user(int i) {
    checkArgument(i >= 0 && i < members, "no user %s in %s", i, this);
    return UserId.of("u" + pad6(i));
  }

  /** The Owner. */
  public UserId owner() {
    return user(0);
  }

  /** Project {@code j}. */
  public ProjectId project(int j) {
    checkArgument(j >= 0 && j < projects, "no project %s in %s", j, this);
    return ProjectId.of("p" + pad6(j));
  }

  /** The level of user {@code i}. */
  public OrgLevel level(int i) {
    return i == 0 ? OrgLevel.OWNER : i <= admins() ? OrgLevel.ADMIN : OrgLevel.MEMBER;
  }

  /** Whether project {@code j} is private. */
  public boolean isPrivate(int j) {
    return j % 2 == 1;
  }

  /** The first project of Member {@code i}'s window of grants. */
  private int windowStart(int i) {
    return (int) ((long) i * projects / members);
  }

  /**
   * A private project on which Member {@code i} holds no grant (and, being a Member, sees nothing): the
   * first private one after its window.
   */
  public ProjectId freePrivateProject(int i) {
    checkArgument(level(i) == OrgLevel.MEMBER, "user %s is not a Member", i);
    for (int k = grantsPerMember(); k < projects; k++) {
      int j = (windowStart(i) + k) % projects;
      if (isPrivate(j)) {
        return project(j);
      }
    }
    throw new IllegalStateException("no free private project for user " + i); // unreachable: ≥ 2 outside the window
  }

  /**
   * {@code count} Members spread evenly over the organization (the first one past the Admins, then every
   * {@code (Members / count)}th), as indexes for {@link #user} and {@link #freePrivateProject}.
   */
  public int[] spreadMembers(int count) {
    int first = admins() + 1;
    int memberCount = members - first;
    checkArgument(count >= 1 && count <= memberCount, "cannot spread %s over %s Members", count, memberCount);
    int[] chosen = new int[count];
    for (int t = 0; t < count; t++) {
      chosen[t] = first + (int) ((long) t * memberCount / count);
    }
    return chosen;
  }

  /**
   * Writes the organization into a new {@link InMemoryStore} through its SPI, in one transaction (no
   * authorization, no snapshot per row: set-up takes seconds at 100k members), builds a policy over it
   * with every default ({@link dev.warden.spi.Notifier#NONE}) and loads the snapshot with one check, as
   * a host's first check would.
   */
  public AccessPolicy load() {
    InMemoryStore store = InMemoryStore.create();
    Instant created = Instant.now().minusSeconds(86_400);
    UserId owner = owner();
    UserId[] users = new UserId[members];
    ProjectId[] ids = new ProjectId[projects];
    store.inTransaction(tx -> {
      tx.organizations().insert(new Organization(ORG, "Shape " + members + "x" + projects, created,
          OrganizationSettings.defaults()));
      for (int i = 0; i < members; i++) {
        users[i] = user(i);
        tx.memberships().insert(new Membership(ORG, users[i], Optional.empty(), level(i), Optional.empty(),
            Optional.empty(), created, i == 0 ? Optional.empty() : Optional.of(owner)));
      }
      for (int j = 0; j < projects; j++) {
        ids[j] = project(j);
        tx.projects().insert(new Project(ids[j], ORG, "Project " + j,
            isPrivate(j) ? Visibility.PRIVATE : Visibility.OPEN, ProjectRole.MEMBER, "phc_" + j,
            created.plusMillis(j)));
      }
      ProjectRole[] roles = ProjectRole.values();
      for (int i = admins() + 1; i < members; i++) {
        for (int k = 0; k < grantsPerMember(); k++) {
          tx.grants().upsert(new ProjectGrant(ids[(windowStart(i) + k) % projects], users[i],
              roles[(i + k) % roles.length], Optional.empty(), owner, created));
        }
      }
      return null;
    });
    AccessPolicy policy = AccessPolicy.builder().store(store).build();
    Decision first = policy.check(Principal.user(owner), Capability.MANAGE_MEMBERS, ORG);
    checkState(first.allowed(), "the Owner of %s was refused: %s", this, first);
    return policy;
  }

  private static String pad6(int n) {
    String digits = Integer.toString(n);
    return digits.length() >= 6 ? digits : "000000".substring(digits.length()) + digits;
  }

  @Override
  public String toString() {
    return "OrgShape[" + members + " members, " + projects + " projects, " + grants() + " grants]";
  }
}
