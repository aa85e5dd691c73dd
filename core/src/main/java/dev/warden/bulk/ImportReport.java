package dev.warden.bulk;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.organization.OrgId;
import java.util.List;

/**
 * The outcome of a bulk import. Accepted: everything was written, in one transaction, and the counts
 * say how much. Refused: nothing was written, every count is 0, and {@code refusals} lists every item
 * that broke a rule (not only the first), in the order of the import's lists. Immutable.
 */
public record ImportReport(
    OrgId organization, int members, int projects, int grants, int resources, int rules,
    List<ImportRefusal> refusals) {

  public ImportReport {
    checkNotNull(organization, "organization");
    checkArgument(members >= 0 && projects >= 0 && grants >= 0 && resources >= 0 && rules >= 0,
        "counts must not be negative");
    refusals = ImmutableList.copyOf(refusals);
    checkArgument(refusals.isEmpty() || members + projects + grants + resources + rules == 0,
        "a refused import imports nothing");
  }

  /** The report of an import that wrote every item of {@code data}. */
  public static ImportReport accepted(OrgId organization, OrganizationImport data) {
    return new ImportReport(organization, data.members().size(), data.projects().size(), data.grants().size(),
        data.resources().size(), data.rules().size(), List.of());
  }

  /** The report of an import refused for {@code refusals} (at least one). */
  public static ImportReport refused(OrgId organization, List<ImportRefusal> refusals) {
    checkArgument(!refusals.isEmpty(), "a refused import has at least one refusal");
    return new ImportReport(organization, 0, 0, 0, 0, 0, refusals);
  }

  /** Whether the import was written (no refusal). */
  public boolean accepted() {
    return refusals.isEmpty();
  }
}
