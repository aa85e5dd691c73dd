package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.Change;
import dev.warden.organization.Directory;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.spi.StoreOrder;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The host's audited read access (see {@link Directory}). Thread-safe. Not API. */
public final class DirectoryService implements Directory {
  /** The longest reason a read may give, like a membership note. */
  private static final int MAX_REASON = 200;

  private final Engine engine;

  public DirectoryService(Engine engine) {
    this.engine = engine;
  }

  @Override
  public Organization organization(OrgId organization, String reason) {
    return read(organization, "organization", reason, OrgState::organization);
  }

  @Override
  public List<Membership> members(OrgId organization, String reason) {
    return read(organization, "members", reason, state -> List.copyOf(state.members().values()));
  }

  @Override
  public List<Project> projects(OrgId organization, String reason) {
    return read(organization, "projects", reason,
        state -> state.projects().values().stream().map(OrgState.ProjectState::project).toList());
  }

  @Override
  public List<ProjectGrant> grants(OrgId organization, String reason) {
    return read(organization, "grants", reason, state -> state.projects().values().stream()
        .flatMap(p -> p.grants().values().stream()
            .sorted(StoreOrder.GRANTS))
        .toList());
  }

  /** Records the read, then answers it from a snapshot confirmed with the store. */
  private <T> T read(OrgId organization, String what, String reason, Function<OrgState, T> answer) {
    checkNotNull(organization, "organization");
    checkNotNull(reason, "reason");
    checkArgument(!reason.isBlank() && reason.length() <= MAX_REASON,
        "reason must be 1-%s characters and not blank, but was \"%s\"", MAX_REASON, reason);
    AuditEntry entry = new AuditEntry(Ids.next("aud"), Optional.of(organization), Optional.empty(), Actor.SYSTEM,
        "directory.read", Optional.of(what), List.of(Change.of("reason", null, reason.strip())), engine.now());
    boolean written = engine.store().inTransaction(tx -> {
      if (tx.organizations().revision(organization).isEmpty()) {
        return false;
      }
      tx.audit().append(entry);
      return true;
    });
    if (!written) {
      throw Errors.notFound("organization");
    }
    engine.forward(List.of(entry));
    OrgState state = engine.cache().getConsistent(organization);
    if (state == null) {
      throw Errors.notFound("organization");
    }
    return answer.apply(state);
  }
}
