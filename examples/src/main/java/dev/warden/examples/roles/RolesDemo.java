package dev.warden.examples.roles;

import static dev.warden.examples.DemoOutput.describe;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.examples.DemoClock;
import dev.warden.examples.DemoOutput;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.role.ResolutionChange;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Roles (issue 16) under the governance preset {@link PermissionMatrix#leastPrivilege()}: a Finance
 * role that manages billing without making anyone an Admin, a Data team that sees the private
 * Warehouse project, a contractor whose place in a role expires, and switching the organization from
 * "highest wins" to "most specific" after a preview of what changes.
 *
 * <p>Run it from the repository root with
 * {@code ./mvnw -q -pl examples -am test-compile exec:java -Dexec.mainClass=dev.warden.examples.roles.RolesDemo}.
 */
public final class RolesDemo {
  private static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  private final DemoClock clock = new DemoClock(START);
  private final AccessPolicy policy = AccessPolicy.builder()
      .matrix(PermissionMatrix.leastPrivilege())
      .clock(clock)
      .build();
  private final DemoOutput out;

  private RolesDemo(PrintStream out) {
    this.out = new DemoOutput(out);
  }

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the walk-through on a new policy, printing to {@code out}. */
  public static void run(PrintStream out) {
    new RolesDemo(out).walkThrough();
  }

  private void walkThrough() {
    Principal cto = Principal.user(UserId.of("cto"), "cto@acme.com");
    Principal admin = Principal.user(UserId.of("admin"), "admin@acme.com");
    Principal accountant = Principal.user(UserId.of("accountant"), "accountant@acme.com");
    Principal analyst = Principal.user(UserId.of("analyst"), "analyst@acme.com");
    Principal contractor = Principal.user(UserId.of("contractor"), "contractor@agency.com");

    out.println("Warden roles demo: groups of members that carry access, under the leastPrivilege() preset.");
    Organization acme = policy.organizations().create(cto, "Acme Corp");
    Project warehouse = policy.projects().create(cto, acme.id(), "Warehouse"); // private, like every new project here
    Project web = policy.projects().create(cto, acme.id(), "Web");
    join(cto, acme, admin, InviteRequest.to("admin@acme.com").level(OrgLevel.ADMIN));
    join(cto, acme, accountant, InviteRequest.to("accountant@acme.com"));
    join(cto, acme, analyst, InviteRequest.to("analyst@acme.com").grant(web.id(), ProjectRole.VIEWER));
    join(cto, acme, contractor, InviteRequest.to("contractor@agency.com"));

    out.section("Finance manages billing but is not an Admin");
    Role finance = policy.roles().create(cto, acme.id(), "Finance");
    policy.roles().grantCapability(cto, finance.id(), Capability.MANAGE_BILLING);   // only Owners hold it here
    out.attempt("admin adds the accountant to Finance (an Admin without MANAGE_BILLING)",
        () -> policy.roles().addMember(admin, finance.id(), accountant.userId()));
    policy.roles().addMember(cto, finance.id(), accountant.userId());
    out.println("  the CTO adds the accountant to Finance");
    show(accountant, Capability.MANAGE_BILLING, acme);
    show(accountant, Capability.MANAGE_MEMBERS, acme);

    out.section("The Data team sees the private Warehouse");
    Role data = policy.roles().create(admin, acme.id(), "Data team");
    policy.roles().grant(admin, data.id(), warehouse.id(), ProjectRole.MEMBER);
    policy.roles().grant(admin, data.id(), web.id(), ProjectRole.MEMBER);
    policy.roles().addMember(admin, data.id(), analyst.userId());
    Instant contractEnds = START.plus(Duration.ofDays(30));
    policy.roles().addMember(admin, data.id(), contractor.userId(), contractEnds);
    out.println("  admin adds the analyst, and the contractor until " + contractEnds);
    show(analyst, Capability.CREATE_CONTENT, warehouse.id(), "Warehouse");
    show(contractor, Capability.VIEW_DATA, warehouse.id(), "Warehouse");
    show(accountant, Capability.VIEW_DATA, warehouse.id(), "Warehouse");
    out.println("  why the analyst may: " + policy.explain(analyst, Capability.CREATE_CONTENT, warehouse.id()).steps());

    out.section("Highest wins, then most specific");
    show(analyst, Capability.CREATE_CONTENT, web.id(), "Web");
    for (ResolutionChange c : policy.roles().previewResolutionChange(cto, acme.id(), ResolutionRule.MOST_SPECIFIC)) {
      out.println("  preview: " + c.member() + " on " + name(c.project(), web) + ": "
          + c.before().orElseThrow() + " -> " + c.after().orElseThrow());
    }
    policy.roles().switchResolution(cto, acme.id(), ResolutionRule.MOST_SPECIFIC);
    out.println("  the CTO switches Acme Corp to MOST_SPECIFIC");
    show(analyst, Capability.CREATE_CONTENT, web.id(), "Web");
    show(analyst, Capability.CREATE_CONTENT, warehouse.id(), "Warehouse");

    clock.set(contractEnds);
    out.section(contractEnds + ": the contractor's place in the Data team ends");
    show(contractor, Capability.VIEW_DATA, warehouse.id(), "Warehouse");
    out.println("  access registry:");
    policy.reports().registry(cto, acme.id()).toMarkdown().lines().forEach(line -> out.println("    " + line));
  }

  /** {@code inviter} invites; {@code invitee} accepts with the email the host verified for them. */
  private void join(Principal inviter, Organization org, Principal invitee, InviteRequest request) {
    IssuedInvite invite = policy.invites().create(inviter, org.id(), request);
    policy.invites().accept(invite.token(), invitee, request.email().value());
  }

  private static String name(ProjectId project, Project web) {
    return project.equals(web.id()) ? "Web" : project.value();
  }

  private void show(Principal who, Capability capability, Organization org) {
    out.printf("  %-10s %-16s %-10s %s%n", who.userId(), capability, org.name(),
        describe(policy.check(who, capability, org.id())));
  }

  private void show(Principal who, Capability capability, ProjectId project, String name) {
    out.printf("  %-10s %-16s %-10s %s%n", who.userId(), capability, name,
        describe(policy.check(who, capability, project)));
  }
}
