package dev.warden.resource;

/** Who may edit a dashboard ([003] "granular dashboard permissions"). */
public enum DashboardRestriction {
  /** Everyone in the project can edit (the default). */
  EVERYONE_CAN_EDIT,
  /** Only collaborators (and the creator and project Admins) can edit; everyone else can view. */
  ONLY_COLLABORATORS_CAN_EDIT
}
