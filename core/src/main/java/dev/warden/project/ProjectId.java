package dev.warden.project;

import dev.warden.internal.Ids;

/** Identifies a project. Immutable. */
public record ProjectId(String value) {
  public ProjectId {
    Ids.require(value, "project id");
  }

  public static ProjectId of(String value) {
    return new ProjectId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
