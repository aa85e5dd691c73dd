package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.Principal;
import dev.warden.audit.Change;
import dev.warden.bulk.ImportReport;
import dev.warden.bulk.OrganizationImport;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.Organizations;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Implements {@link Organizations}. Not API. */
public final class OrganizationService implements Organizations {
  /** The name of the project every new organization starts with. */
  public static final String DEFAULT_PROJECT = "Default Project";

  private final Engine engine;
  private final Reads reads;
  private final ImportService imports;

  public OrganizationService(Engine engine, Reads reads) {
    this.engine = engine;
    this.reads = reads;
    this.imports = new ImportService(engine);
  }

  @Override
  public Organization create(Principal creator, String name) {
    checkNotNull(name, "name");
    checkNotNull(creator, "creator");
    // The Owner's membership keeps the address, so that inviting it is refused with ALREADY_MEMBER.
    checkArgument(creator.email().isPresent(),
        "creator must carry the user's email (Principal.user(id, email) or withEmail), but has none");
    Organization org = new Organization(OrgId.of(Ids.next("org")), Limits.name(name, "organization name"),
        engine.now(), OrganizationSettings.defaults());
    return engine.create(org, creator, m -> {
      m.apply(new Write.InsertMember(new Membership(org.id(), creator.userId(), creator.email(), OrgLevel.OWNER,
          Optional.empty(), Optional.empty(), m.now(), Optional.empty())));
      m.audit("organization.created", null, org.id(), Change.of("name", null, org.name()));
      ProjectService.insertNew(m, org.id(), DEFAULT_PROJECT);
      return org;
    });
  }

  @Override
  public Organization get(Principal actor, OrgId organization) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    return reads.org(actor, organization, Capability.VIEW_ORGANIZATION).organization();
  }

  @Override
  public List<Organization> list(Principal user) {
    checkNotNull(user, "user");
    List<Membership> memberships = engine.store().inTransaction(tx -> tx.memberships().listByUser(user.userId()));
    return memberships.stream()
        .filter(m -> m.activeAt(engine.clock().instant()))
        .map(m -> engine.cache().get(m.organization()))
        .filter(Objects::nonNull)
        .map(OrgState::organization)
        .toList();
  }

  @Override
  public Organization rename(Principal actor, OrgId organization, String name) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(name, "name");
    String stripped = Limits.name(name, "organization name");
    return update(actor, organization, "organization.renamed", org -> org.withName(stripped));
  }

  @Override
  public Organization updateSettings(Principal actor, OrgId organization, OrganizationSettings settings) {
    checkNotNull(actor, "actor");
    checkNotNull(settings, "settings");
    return updateSettings(actor, organization, current -> settings);
  }

  @Override
  public Organization updateSettings(Principal actor, OrgId organization,
      java.util.function.UnaryOperator<OrganizationSettings> change) {
    checkNotNull(change, "change");
    // Applied to the settings of the snapshot taken under the organization's lock: no lost update.
    return update(actor, organization, "settings.changed",
        org -> org.withSettings(checkNotNull(change.apply(org.settings()), "the settings change returned null")));
  }

  private Organization update(Principal actor, OrgId organization, String action,
      java.util.function.UnaryOperator<Organization> change) {
    checkNotNull(organization, "organization");
    return engine.mutate(organization, actor, action, organization, m -> {
      m.requireOrg(Capability.MANAGE_ORG_SETTINGS);
      Organization before = m.state().organization();
      Organization next = change.apply(before);
      if (next.settings().resolution() != before.settings().resolution()) {
        RoleService.requireMaySwitchResolution(m);
      }
      if (!next.equals(before)) {
        m.apply(new Write.UpdateOrganization(next));
        m.audit(action, null, organization, Changes.diff()
            .field("name", before.name(), next.name())
            .field("settings", before.settings(), next.settings())
            .toArray());
      }
      return next;
    });
  }

  @Override
  public ImportReport importInto(Principal actor, OrgId organization, OrganizationImport data) {
    return imports.importInto(actor, organization, data);
  }

  @Override
  public void delete(Principal actor, OrgId organization) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    engine.mutate(organization, actor, "organization.deleted", organization, m -> {
      m.requireOrg(Capability.DELETE_ORGANIZATION);
      m.requireRecentAuthentication();
      m.audit("organization.deleted", null, organization, Change.of("name", m.state().organization().name(), null));
      m.apply(new Write.DeleteOrganization(organization));
      return null;
    });
  }
}
