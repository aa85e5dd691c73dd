package dev.warden.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.ErrorCode;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bulk import's value types: checked on construction like the values they become, immutable. */
class OrganizationImportTest {
  private static final ProjectId WEB = ProjectId.of("web");
  private static final UserId DAN = UserId.of("dan");

  @Test
  void builder_keepsEachListInOrder_andBuildsOnce() {
    OrganizationImport.Builder builder = OrganizationImport.builder()
        .member(DAN, " Dan@Acme.com ", OrgLevel.MEMBER)
        .project(WEB, "  Web ", Visibility.PRIVATE, ProjectRole.VIEWER)
        .grant(WEB, DAN, ProjectRole.MEMBER)
        .grant(WEB, UserId.of("erin"), ProjectRole.VIEWER, Instant.parse("2030-01-01T00:00:00.123456789Z"))
        .resource(ResourceRef.dashboard(WEB, "b"), DAN)
        .rule(ResourceRule.forKind(WEB, "insight", AccessLevel.VIEWER));
    OrganizationImport data = builder.build();

    assertThat(data.members()).containsExactly(new ImportItem.Member(DAN, EmailAddress.of("dan@acme.com"),
        OrgLevel.MEMBER, Optional.empty(), Optional.empty()));
    assertThat(data.projects()).extracting(ImportItem.Project::name).containsExactly("Web");
    assertThat(data.grants()).extracting(ImportItem.Grant::expiresAt)
        .containsExactly(Optional.empty(), Optional.of(Instant.parse("2030-01-01T00:00:00.123456Z")));
    assertThat(data.size()).isEqualTo(6);
    assertThatThrownBy(() -> data.members().add(data.members().get(0))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.grant(WEB, DAN, ProjectRole.VIEWER)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void items_refuseWhatTheirValueTypesRefuse() {
    assertThatThrownBy(() -> ImportItem.Member.of(DAN, "not-an-email", OrgLevel.MEMBER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("email");
    assertThatThrownBy(() -> ImportItem.Member.of(DAN, "dan@acme.com", OrgLevel.MEMBER).withNote("x".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("note");
    assertThat(ImportItem.Member.of(DAN, "dan@acme.com", OrgLevel.MEMBER).withNote("   ").note()).isEmpty();
    assertThatThrownBy(() -> ImportItem.Member.of(DAN, "dan@acme.com", OrgLevel.MEMBER).withExpiresAt(Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresAt");
    assertThatThrownBy(() -> new ImportItem.Project(WEB, " ", Visibility.OPEN, ProjectRole.MEMBER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project name");
    assertThatThrownBy(() -> new ImportItem.Grant(WEB, null, ProjectRole.MEMBER, Optional.empty()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("user");
    assertThatThrownBy(() -> new ImportItem.Rule(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void report_isAcceptedWithCounts_orRefusedWithNothingImported() {
    OrgId org = OrgId.of("org_acme");
    OrganizationImport data = OrganizationImport.builder().member(DAN, "dan@acme.com", OrgLevel.MEMBER)
        .grant(WEB, DAN, ProjectRole.MEMBER).build();
    ImportReport accepted = ImportReport.accepted(org, data);
    assertThat(accepted.accepted()).isTrue();
    assertThat(List.of(accepted.members(), accepted.projects(), accepted.grants())).containsExactly(1, 0, 1);

    ImportRefusal refusal = new ImportRefusal(data.grants().get(0), 0, ErrorCode.NOT_FOUND, "project not found");
    ImportReport refused = ImportReport.refused(org, List.of(refusal));
    assertThat(refused.accepted()).isFalse();
    assertThat(refused.grants()).isZero();
    assertThat(refusal.list()).isEqualTo("grants");
    assertThat(refusal).hasToString("grants[0] " + data.grants().get(0) + ": NOT_FOUND project not found");
    assertThatThrownBy(() -> new ImportReport(org, 1, 0, 0, 0, 0, List.of(refusal)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImportReport.refused(org, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ImportRefusal(refusal.item(), -1, ErrorCode.NOT_FOUND, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
