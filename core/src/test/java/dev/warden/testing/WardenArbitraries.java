package dev.warden.testing;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Shared jqwik arbitraries for Warden's property-based tests, shipped in core's test-jar so that other
 * modules (such as {@code spi-jdbc}) generate the same kind of data.
 *
 * <p>Users come from a deliberately small pool ({@value #USER_POOL_SIZE} users, {@code u0} … {@code u4}),
 * so that random operations keep hitting the same people: the same user is invited twice, demoted
 * after being promoted, removed while holding grants. Each pool user has one verified email,
 * {@code <id>@acme.test} (one account per email, spec §15).
 *
 * <p>Durations are whole hours or days so that random clock advances land exactly on random expiries:
 * every expiry in Warden is exclusive (spec §15), and the boundary instant is the interesting one.
 *
 * <p>Stateless and thread-safe.
 */
public final class WardenArbitraries {

  /** How many users {@link #userIds()} and {@link #principals()} draw from. */
  public static final int USER_POOL_SIZE = 5;

  /** The domain of every pool user's email. */
  public static final String EMAIL_DOMAIN = "acme.test";

  private static final ImmutableList<UserId> USERS;
  private static final ImmutableList<Principal> PRINCIPALS;

  static {
    ImmutableList.Builder<UserId> users = ImmutableList.builder();
    ImmutableList.Builder<Principal> principals = ImmutableList.builder();
    for (int i = 0; i < USER_POOL_SIZE; i++) {
      UserId user = UserId.of("u" + i);
      users.add(user);
      principals.add(Principal.user(user, emailOf(user)));
    }
    USERS = users.build();
    PRINCIPALS = principals.build();
  }

  private WardenArbitraries() {}

  // ------------------------------------------------------------------------------------ user pool

  /** The pool's users in index order: {@code u0}, {@code u1}, …. */
  public static List<UserId> userPool() {
    return USERS;
  }

  /**
   * The pool user at {@code index}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < USER_POOL_SIZE}
   */
  public static UserId user(int index) {
    checkArgument(index >= 0 && index < USER_POOL_SIZE, "user index must be in [0, %s), but was %s", USER_POOL_SIZE, index);
    return USERS.get(index);
  }

  /** The pool user's principal, carrying the user's verified email. */
  public static Principal principal(int index) {
    user(index); // validates the index
    return PRINCIPALS.get(index);
  }

  /** The principal of {@code user} with its verified email {@link #emailOf(UserId)}. */
  public static Principal principal(UserId user) {
    checkNotNull(user, "user");
    int index = USERS.indexOf(user);
    return index >= 0 ? PRINCIPALS.get(index) : Principal.user(user, emailOf(user));
  }

  /** The canonical (normalized) email of {@code user}: {@code <id>@acme.test}, lower case. */
  public static String emailOf(UserId user) {
    checkNotNull(user, "user");
    return user.value().toLowerCase(Locale.ROOT) + "@" + EMAIL_DOMAIN;
  }

  /** An index into the user pool; shrinks towards {@code 0}. */
  public static Arbitrary<Integer> userIndexes() {
    return Arbitraries.integers().between(0, USER_POOL_SIZE - 1);
  }

  /** A user from the pool; shrinks towards {@code u0}. */
  public static Arbitrary<UserId> userIds() {
    return userIndexes().map(USERS::get);
  }

  /** The principal of a pool user (with verified email); shrinks towards {@code u0}. */
  public static Arbitrary<Principal> principals() {
    return userIndexes().map(PRINCIPALS::get);
  }

  // ---------------------------------------------------------------------------------------- emails

  /**
   * Ways a host may spell the same address before normalization: as is, upper case, padded with
   * blanks, mixed case. All normalize to {@code canonical} (spec §15: trimmed and lower-cased).
   */
  public static Arbitrary<String> spellingsOf(String canonical) {
    checkNotNull(canonical, "canonical");
    String upper = canonical.toUpperCase(Locale.ROOT);
    String mixed = Character.toUpperCase(canonical.charAt(0)) + canonical.substring(1);
    return Arbitraries.frequency(
        Tuple.of(6, canonical),
        Tuple.of(1, upper),
        Tuple.of(1, "  " + canonical + " "),
        Tuple.of(1, " " + mixed + "\t"));
  }

  /** A pool user's email, sometimes spelled differently (see {@link #spellingsOf}). */
  public static Arbitrary<String> emails() {
    return userIds().flatMap(u -> spellingsOf(emailOf(u)));
  }

  // ----------------------------------------------------------------------- levels and capabilities

  /** Any organization level; shrinks towards {@link OrgLevel#MEMBER}. */
  public static Arbitrary<OrgLevel> orgLevels() {
    return Arbitraries.of(OrgLevel.class);
  }

  /** Any project role; shrinks towards {@link ProjectRole#VIEWER}. */
  public static Arbitrary<ProjectRole> projectRoles() {
    return Arbitraries.of(ProjectRole.class);
  }

  /** Any project visibility. */
  public static Arbitrary<Visibility> visibilities() {
    return Arbitraries.of(Visibility.class);
  }

  /** Every capability of {@code scope}, in declaration order. */
  public static List<Capability> capabilitiesOf(Scope scope) {
    checkNotNull(scope, "scope");
    return PermissionMatrix.posthog().capabilities().stream().filter(c -> c.scope() == scope).toList();
  }

  /** A capability of {@code scope}. */
  public static Arbitrary<Capability> capabilities(Scope scope) {
    return Arbitraries.of(capabilitiesOf(scope));
  }

  /** An organization-scoped capability (checked against an {@code OrgId}). */
  public static Arbitrary<Capability> orgCapabilities() {
    return capabilities(Scope.ORGANIZATION);
  }

  /** A project-scoped capability (checked against a {@code ProjectId}). */
  public static Arbitrary<Capability> projectCapabilities() {
    return capabilities(Scope.PROJECT);
  }

  /** One of the two shipped presets, {@link PermissionMatrix#posthog()} or {@link PermissionMatrix#leastPrivilege()}. */
  public static Arbitrary<PermissionMatrix> presets() {
    return Arbitraries.of(PermissionMatrix.posthog(), PermissionMatrix.leastPrivilege());
  }

  // ------------------------------------------------------------------------------------------ time

  /**
   * How far to move a fake clock: whole hours up to half a day, or whole days up to four (three days
   * being the default invite validity). Never zero or negative; shrinks towards one hour.
   */
  public static Arbitrary<Duration> clockAdvances() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(1, 12).map(Duration::ofHours)),
        Tuple.of(2, Arbitraries.integers().between(1, 4).map(Duration::ofDays)),
        Tuple.of(1, Arbitraries.just(Duration.ofDays(3))));
  }

  /**
   * An expiry relative to now, for memberships and grants: mostly a few hours or days ahead, sometimes
   * exactly now or in the past (which Warden must refuse with {@code EXPIRY_IN_PAST}). Whole hours, so
   * {@link #clockAdvances()} can hit it exactly.
   */
  public static Arbitrary<Duration> expiryOffsets() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(1, 48).map(Duration::ofHours)),
        Tuple.of(2, Arbitraries.integers().between(3, 5).map(Duration::ofDays)),
        Tuple.of(1, Arbitraries.just(Duration.ZERO)),
        Tuple.of(1, Arbitraries.integers().between(1, 24).map(h -> Duration.ofHours(-h))));
  }
}
