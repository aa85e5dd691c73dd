package dev.warden.internal;

import dev.warden.audit.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Collects the fields an audited change really changed; unchanged fields are left out. Not API. */
public final class Changes {
  private final List<Change> changes = new ArrayList<>();

  public static Changes diff() {
    return new Changes();
  }

  /** Adds {@code field} if {@code before} and {@code after} differ. */
  public Changes field(String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      changes.add(Change.of(field, before, after));
    }
    return this;
  }

  /** Adds the secret {@code field}, masked, if it changed. */
  public Changes secret(String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      changes.add(Change.secret(field));
    }
    return this;
  }

  public Change[] toArray() {
    return changes.toArray(Change[]::new);
  }
}
