package dev.warden.examples.dashboards;

import static dev.warden.examples.DemoOutput.describe;
import static java.util.stream.Collectors.joining;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.examples.DemoOutput;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.report.Explanation;
import dev.warden.resource.DashboardRestriction;
import dev.warden.resource.ResourceRef;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Locks a shared dashboard the way PostHog's "granular dashboard permissions" do [003]: by default
 * everyone in the project can edit a dashboard; its creator (or a project Admin) can restrict it so
 * that only collaborators edit while everyone else who sees the project still views it. Prints every
 * decision with its reason, and the requests Warden refuses with their error codes.
 *
 * <p>Run it from the repository root with
 * {@code ./mvnw -q -pl examples -am test-compile exec:java -Dexec.mainClass=dev.warden.examples.dashboards.DashboardLockingDemo}.
 */
public final class DashboardLockingDemo {
  private static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  // Nothing in this demo expires; a fixed clock keeps the output the same on every run.
  private final AccessPolicy policy = AccessPolicy.builder().clock(Clock.fixed(START, ZoneOffset.UTC)).build();
  private final DemoOutput out;
  /** The host's names for Warden's resource ids. */
  private final Map<ResourceRef, String> names = new LinkedHashMap<>();

  private DashboardLockingDemo(PrintStream out) {
    this.out = new DemoOutput(out);
  }

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the walk-through on a new policy, printing to {@code out}. */
  public static void run(PrintStream out) {
    new DashboardLockingDemo(out).walkThrough();
  }

  private void walkThrough() {
    Principal cto = Principal.user(UserId.of("cto"), "cto@acme.com");
    Principal lead = Principal.user(UserId.of("lead"), "lead@acme.com");
    Principal pm = Principal.user(UserId.of("pm"), "pm@acme.com");
    Principal analyst = Principal.user(UserId.of("analyst"), "analyst@acme.com");
    Principal designer = Principal.user(UserId.of("designer"), "designer@acme.com");
    Principal intern = Principal.user(UserId.of("intern"), "intern@acme.com");

    out.println("Warden dashboard locking demo: PostHog's granular dashboard permissions.");
    out.println("Each decision reads: user, capability, dashboard, outcome (reason).");

    out.section("Acme Corp: Product is open to every member, Finance is private");
    Organization acme = policy.organizations().create(cto, "Acme Corp");
    Project product = policy.projects().create(cto, acme.id(), "Product");
    Project finance = policy.projects().create(cto, acme.id(), "Finance");
    policy.projects().setVisibility(cto, finance.id(), Visibility.PRIVATE);
    join(cto, acme, lead, InviteRequest.to("lead@acme.com").level(OrgLevel.ADMIN));
    join(cto, acme, pm, InviteRequest.to("pm@acme.com"));
    join(cto, acme, analyst, InviteRequest.to("analyst@acme.com"));
    join(cto, acme, designer, InviteRequest.to("designer@acme.com").grant(product.id(), ProjectRole.VIEWER));
    join(cto, acme, intern, InviteRequest.to("intern@acme.com"));
    out.println("  lead is an org Admin; pm, analyst and intern are Members; designer is a Viewer on Product");

    out.section("The PM builds \"Weekly KPIs\" in Product: everyone in the project can edit it");
    ResourceRef kpis = dashboard(pm, product, "weekly-kpis", "Weekly KPIs");
    out.println("  restriction: " + policy.resources().restriction(pm, kpis));
    levels(kpis, pm, lead, analyst, designer, intern);
    show(analyst, Capability.CREATE_CONTENT, kpis);
    show(designer, Capability.CREATE_CONTENT, kpis); // a Viewer never edits
    show(intern, Capability.CREATE_CONTENT, kpis);

    out.section("The PM locks it: only collaborators can edit, everyone else views");
    policy.resources().restrictDashboard(pm, kpis, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
    out.println("  restriction: " + policy.resources().restriction(analyst, kpis));
    levels(kpis, pm, lead, analyst, designer, intern);
    show(analyst, Capability.CREATE_CONTENT, kpis);
    show(analyst, Capability.VIEW_DATA, kpis);
    show(lead, Capability.CREATE_CONTENT, kpis); // project Admins (org Admins included) always manage
    explain(analyst, Capability.CREATE_CONTENT, kpis);

    out.section("The PM adds the analyst as a collaborator who can edit");
    policy.resources().addCollaborator(pm, kpis, analyst.userId());
    out.println("  collaborators: " + policy.resources().collaborators(intern, kpis).stream()
        .map(UserId::value).collect(joining(", ")));
    show(analyst, Capability.CREATE_CONTENT, kpis);
    show(intern, Capability.CREATE_CONTENT, kpis);
    out.println("  who can edit Weekly KPIs: " + policy.whoCan(Capability.CREATE_CONTENT, kpis).stream()
        .map(holder -> holder.user() + " (" + holder.reason() + ")")
        .collect(joining(", ")));

    out.section("What Warden refuses, with PostHog's rules");
    ResourceRef releaseNotes = dashboard(pm, product, "release-notes", "Release Notes");
    ResourceRef budget = dashboard(cto, finance, "budget", "Budget");
    policy.resources().restrictDashboard(cto, budget, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
    out.attempt("intern adds designer to Weekly KPIs (intern cannot edit it)",
        () -> policy.resources().addCollaborator(intern, kpis, designer.userId()));
    out.attempt("pm adds analyst to Release Notes (not restricted)",
        () -> policy.resources().addCollaborator(pm, releaseNotes, analyst.userId()));
    out.attempt("cto adds intern to Budget (intern cannot see Finance)",
        () -> policy.resources().addCollaborator(cto, budget, intern.userId()));
    out.attempt("pm adds lead to Weekly KPIs (an Admin already manages it)",
        () -> policy.resources().addCollaborator(pm, kpis, lead.userId()));
    out.attempt("analyst locks Weekly KPIs for everyone (only its managers may)",
        () -> policy.resources().restrictDashboard(analyst, kpis, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT));
    show(intern, Capability.VIEW_DATA, budget); // a hidden project hides its dashboards: same as missing

    out.section("The PM unlocks it: everyone in the project can edit again");
    policy.resources().restrictDashboard(pm, kpis, DashboardRestriction.EVERYONE_CAN_EDIT);
    out.println("  restriction: " + policy.resources().restriction(pm, kpis));
    show(intern, Capability.CREATE_CONTENT, kpis);
    show(designer, Capability.CREATE_CONTENT, kpis);
  }

  /** {@code inviter} invites; {@code invitee} accepts with the email the host verified for them. */
  private void join(Principal inviter, Organization org, Principal invitee, InviteRequest request) {
    IssuedInvite invite = policy.invites().create(inviter, org.id(), request);
    policy.invites().accept(invite.token(), invitee, request.email().value());
  }

  private ResourceRef dashboard(Principal creator, Project project, String id, String name) {
    ResourceRef ref = policy.resources().register(creator, ResourceRef.dashboard(project.id(), id)).ref();
    names.put(ref, name);
    return ref;
  }

  private void levels(ResourceRef dashboard, Principal... who) {
    StringBuilder s = new StringBuilder("  access levels on ").append(names.get(dashboard)).append(':');
    for (Principal p : who) {
      s.append(' ').append(p.userId()).append('=').append(policy.resources().level(p, dashboard));
    }
    out.println(s.toString());
  }

  private void show(Principal who, Capability capability, ResourceRef dashboard) {
    out.printf("  %-9s %-15s %-13s %s%n", who.userId(), capability, names.get(dashboard),
        describe(policy.check(who, capability, dashboard)));
  }

  private void explain(Principal who, Capability capability, ResourceRef dashboard) {
    Explanation explanation = policy.explain(who, capability, dashboard);
    out.printf("  explain %s %s on %s: %s%n", who.userId(), capability, names.get(dashboard),
        describe(explanation.decision()));
    explanation.steps().forEach(step -> out.println("    - " + step.replace(dashboard.toString(), names.get(dashboard))));
  }
}
