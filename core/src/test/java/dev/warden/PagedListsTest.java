package dev.warden;

import static dev.warden.testing.OrgFixtures.join;
import static dev.warden.testing.OrgFixtures.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.memory.InMemoryStore;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paginated {@code members().list} and {@code grants().list}: user-id order, the cursor the last
 * user id of the previous page, the same items as the unpaginated lists, authorized like them.
 */
class PagedListsTest {
  private final FakeClock clock = FakeClock.create();
  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com");
  private final Principal olga = Principal.user(UserId.of("olga"), "olga@elsewhere.com");

  private AccessPolicy policy;
  private OrgId org;
  private ProjectId secret;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().store(InMemoryStore.create()).clock(clock).build();
    org = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, org, carol, OrgLevel.MEMBER);
    // ids out of join order, so user-id order is what counts
    for (String id : List.of("m7", "m2", "m9", "m4", "m1", "m8", "m3")) {
      join(policy, alice, org, Principal.user(UserId.of(id), id + "@acme.com"), OrgLevel.MEMBER);
    }
    secret = project(policy, alice, org, "Secret", Visibility.PRIVATE).id();
    for (String id : List.of("m9", "m1", "m4", "m3", "m8")) {
      policy.grants().grant(alice, secret, UserId.of(id), ProjectRole.VIEWER);
    }
  }

  /** Every page of a list through {@code fetch} (null cursor: the first page), at most ten pages. */
  private static <T> List<List<T>> pages(Function<PageRequest, Page<T>> fetch, int size) {
    List<List<T>> pages = new ArrayList<>();
    Page<T> page = fetch.apply(PageRequest.first(size));
    pages.add(page.items());
    while (page.nextCursor().isPresent() && pages.size() < 10) {
      page = fetch.apply(PageRequest.after(page.nextCursor().get(), size));
      pages.add(page.items());
    }
    return pages;
  }

  @Test
  void members_pagesInUserIdOrder_skippingExpired_asTheWholeList() {
    policy.members().setExpiry(alice, org, UserId.of("m4"), clock.instant().plusSeconds(60));
    clock.advance(Duration.ofMinutes(2));

    List<List<Membership>> pages = pages(p -> policy.members().list(carol, org, p), 3);

    assertThat(pages).extracting(List::size).containsExactly(3, 3, 2);
    assertThat(pages.stream().flatMap(List::stream).map(m -> m.user().value()))
        .containsExactly("alice", "carol", "m1", "m2", "m3", "m7", "m8", "m9")
        .containsExactlyElementsOf(policy.members().list(carol, org).stream().map(m -> m.user().value()).toList());
  }

  @Test
  void members_cursorOfAMemberWhoLeft_stillPositionsThePage() {
    Page<Membership> first = policy.members().list(alice, org, PageRequest.first(3));
    assertThat(first.items()).extracting(m -> m.user().value()).containsExactly("alice", "carol", "m1");
    policy.members().remove(alice, org, UserId.of("m1"));

    Page<Membership> next = policy.members().list(alice, org, PageRequest.after(first.nextCursor().get(), 3));

    assertThat(next.items()).extracting(m -> m.user().value()).containsExactly("m2", "m3", "m4");
  }

  @Test
  void members_nonMemberSeesNotFound_likeAMissingOrganization_andABadCursorIsRefused() {
    assertThatThrownBy(() -> policy.members().list(olga, org, PageRequest.first(5)))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> policy.members().list(olga, OrgId.of("missing"), PageRequest.first(5)))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> policy.members().list(alice, org, PageRequest.after("x".repeat(300), 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
  }

  @Test
  void grants_pagesInUserIdOrder_expiredIncluded_asTheWholeList() {
    policy.grants().grant(alice, secret, UserId.of("m2"), ProjectRole.MEMBER, clock.instant().plusSeconds(60));
    clock.advance(Duration.ofMinutes(2));

    List<List<ProjectGrant>> pages = pages(p -> policy.grants().list(alice, secret, p), 2);

    assertThat(pages).extracting(List::size).containsExactly(2, 2, 2);
    assertThat(pages.stream().flatMap(List::stream).map(g -> g.user().value()))
        .containsExactly("m1", "m2", "m3", "m4", "m8", "m9")
        .containsExactlyElementsOf(policy.grants().list(alice, secret).stream().map(g -> g.user().value()).toList());
  }

  @Test
  void grants_hiddenProjectIsNotFound_likeAMissingOne_andAMemberWithoutManageAccessIsRefused() {
    Principal m9 = Principal.user(UserId.of("m9"), "m9@acme.com");
    assertThatThrownBy(() -> policy.grants().list(carol, secret, PageRequest.first(5)))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> policy.grants().list(carol, ProjectId.of("missing"), PageRequest.first(5)))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> policy.grants().list(m9, secret, PageRequest.first(5)))
        .as("a Viewer sees the project but may not manage its access")
        .isInstanceOf(PermissionDeniedException.class);
  }
}
