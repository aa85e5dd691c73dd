package dev.warden.project;

import dev.warden.Limits;

/** Identifies a project. Immutable. */
public record ProjectId(String value) {
  public ProjectId {
    Limits.id(value, "project id");
  }

  public static ProjectId of(String value) {
    return new ProjectId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
