package dev.warden.bulk;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;

/**
 * Why one item of an import was refused: the item, its position in its list of the
 * {@link OrganizationImport} ({@code members}, {@code projects}, …), the {@link ErrorCode} the
 * equivalent single operation would have thrown, and the message. Immutable.
 */
public record ImportRefusal(ImportItem item, int index, ErrorCode code, String message) {
  public ImportRefusal {
    checkNotNull(item, "item");
    checkArgument(index >= 0, "index must not be negative, but was %s", index);
    checkNotNull(code, "code");
    checkNotNull(message, "message");
  }

  /** The name of the item's list in {@link OrganizationImport}: {@code members}, {@code projects}, … */
  public String list() {
    if (item instanceof ImportItem.Member) {
      return "members";
    }
    if (item instanceof ImportItem.Project) {
      return "projects";
    }
    if (item instanceof ImportItem.Grant) {
      return "grants";
    }
    return item instanceof ImportItem.Resource ? "resources" : "rules";
  }

  @Override
  public String toString() {
    return list() + "[" + index + "] " + item + ": " + code + " " + message;
  }
}
