package dev.warden.examples.onboarding;

import static dev.warden.examples.DemoOutput.describe;
import static java.util.stream.Collectors.joining;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.examples.DemoClock;
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
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Walks the "Common Scenarios" of PostHog's user-management guide with an in-memory
 * {@link AccessPolicy} and prints every decision with its reason: a new engineer, an executive, a
 * contractor whose access expires, a private Production project and an ownership transfer.
 *
 * <p>Run it from the repository root with {@code ./mvnw -q -pl examples -am test-compile exec:java}.
 */
public final class OnboardingDemo {
  private static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  // The policy judges every expiry by this clock, so the demo can jump to the end of a contract.
  private final DemoClock clock = new DemoClock(START);
  private final AccessPolicy policy = AccessPolicy.builder().clock(clock).build();
  private final DemoOutput out;

  private OnboardingDemo(PrintStream out) {
    this.out = new DemoOutput(out);
  }

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the walk-through on a new policy, printing to {@code out}. */
  public static void run(PrintStream out) {
    new OnboardingDemo(out).walkThrough();
  }

  private void walkThrough() {
    // Warden never authenticates anyone: the host says who is calling.
    Principal cto = Principal.user(UserId.of("cto"), "cto@acme.com");
    Principal lead = Principal.user(UserId.of("lead"), "lead@acme.com");
    Principal engineer = Principal.user(UserId.of("engineer"), "engineer@acme.com");
    Principal exec = Principal.user(UserId.of("exec"), "exec@acme.com");
    Principal contractor = Principal.user(UserId.of("contractor"), "contractor@agency.com");

    out.println("Warden onboarding demo: the \"Common Scenarios\" of PostHog's user-management guide.");
    out.println("The clock starts at " + START + ". Each decision reads: user, capability, target, outcome (reason).");

    out.section("Acme Corp is created with its Default Project; the CTO adds three environments and an Admin");
    Organization acme = policy.organizations().create(cto, "Acme Corp"); // the creator becomes its Owner
    Project defaultProject = policy.visibleProjects(cto, acme.id()).get(0).project();
    Project development = policy.projects().create(cto, acme.id(), "Development");
    Project staging = policy.projects().create(cto, acme.id(), "Staging");
    Project production = policy.projects().create(cto, acme.id(), "Production");
    join(cto, acme, lead, InviteRequest.to("lead@acme.com").level(OrgLevel.ADMIN));
    visible(cto, acme);
    show(lead, Capability.CREATE_PROJECT, acme);
    show(lead, Capability.TRANSFER_OWNERSHIP, acme);

    out.section("New engineer joins: Member; Member on Development and Staging, Viewer on Production");
    join(cto, acme, engineer, InviteRequest.to("engineer@acme.com") // Member is the default level
        .grant(development.id(), ProjectRole.MEMBER)
        .grant(staging.id(), ProjectRole.MEMBER)
        .grant(production.id(), ProjectRole.VIEWER));
    show(engineer, Capability.CREATE_CONTENT, development);
    show(engineer, Capability.VIEW_DATA, production);
    show(engineer, Capability.CREATE_CONTENT, production);
    show(engineer, Capability.CREATE_PROJECT, acme);
    out.println("  > after onboarding, the lead upgrades the engineer to Member on Production");
    policy.grants().grant(lead, production.id(), engineer.userId(), ProjectRole.MEMBER);
    show(engineer, Capability.CREATE_CONTENT, production);

    out.section("Executive needs visibility: Member; Viewer on Production");
    join(cto, acme, exec, InviteRequest.to("exec@acme.com").grant(production.id(), ProjectRole.VIEWER));
    show(exec, Capability.VIEW_DATA, production);
    show(exec, Capability.CREATE_CONTENT, production);
    show(exec, Capability.CREATE_CONTENT, development); // open projects give every member their default role

    Instant contractEnds = START.plus(Duration.ofDays(30));
    out.section("Contractor engagement: Member until " + contractEnds + "; Member on Staging only");
    join(lead, acme, contractor, InviteRequest.to("contractor@agency.com").grant(staging.id(), ProjectRole.MEMBER));
    policy.members().setExpiry(lead, acme.id(), contractor.userId(), contractEnds);
    show(contractor, Capability.CREATE_CONTENT, staging);
    show(contractor, Capability.VIEW_DATA, production); // still open: anyone in Acme Corp can look

    out.section("Production goes private: only explicit grants and org Admins/Owners see it");
    policy.projects().setVisibility(cto, production.id(), Visibility.PRIVATE);
    show(contractor, Capability.VIEW_DATA, production); // hidden reads exactly like missing
    visible(contractor, acme);
    show(lead, Capability.VIEW_DATA, production);
    visible(lead, acme);
    out.println("  who can VIEW_DATA on Production: " + policy.whoCan(Capability.VIEW_DATA, production.id()).stream()
        .map(holder -> holder.user() + " (" + holder.reason() + ")")
        .collect(joining(", ")));
    explain(contractor, Capability.VIEW_DATA, production);

    clock.set(contractEnds.minusSeconds(1));
    out.section(clock.instant() + ": one second before the contract ends");
    show(contractor, Capability.CREATE_CONTENT, staging);

    clock.set(contractEnds);
    out.section(clock.instant() + ": the contract has ended (expiry is exclusive; no sweep needed)");
    show(contractor, Capability.CREATE_CONTENT, staging);
    show(contractor, Capability.VIEW_DATA, defaultProject);
    show(contractor, Capability.VIEW_ORGANIZATION, acme);
    explain(contractor, Capability.VIEW_ORGANIZATION, acme);

    out.section("Ownership transfer: the CTO hands Acme Corp to the lead and becomes an Admin");
    policy.members().transferOwnership(cto, acme.id(), lead.userId());
    show(lead, Capability.TRANSFER_OWNERSHIP, acme);
    show(cto, Capability.TRANSFER_OWNERSHIP, acme);
    show(cto, Capability.MANAGE_PROJECT_SETTINGS, production);
    out.println("  members: " + policy.members().list(lead, acme.id()).stream()
        .map(member -> member.user() + " " + member.level())
        .collect(joining(", ")));
  }

  /** {@code inviter} invites; {@code invitee} accepts with the email the host verified for them. */
  private void join(Principal inviter, Organization org, Principal invitee, InviteRequest request) {
    IssuedInvite invite = policy.invites().create(inviter, org.id(), request);
    policy.invites().accept(invite.token(), invitee, request.email().value());
  }

  private void show(Principal who, Capability capability, Organization org) {
    print(who, capability, org.name(), policy.check(who, capability, org.id()));
  }

  private void show(Principal who, Capability capability, Project project) {
    print(who, capability, project.name(), policy.check(who, capability, project.id()));
  }

  private void print(Principal who, Capability capability, String target, Decision decision) {
    out.printf("  %-11s %-23s %-16s %s%n", who.userId(), capability, target, describe(decision));
  }

  private void visible(Principal who, Organization org) {
    out.printf("  %-11s sees %s%n", who.userId(), policy.visibleProjects(who, org.id()).stream()
        .map(visible -> visible.project().name() + " (" + visible.role() + ")")
        .collect(joining(", ")));
  }

  private void explain(Principal who, Capability capability, Project project) {
    print(who, capability, project.name(), policy.explain(who, capability, project.id()));
  }

  private void explain(Principal who, Capability capability, Organization org) {
    print(who, capability, org.name(), policy.explain(who, capability, org.id()));
  }

  private void print(Principal who, Capability capability, String target, Explanation explanation) {
    out.printf("  explain %s %s on %s: %s%n", who.userId(), capability, target, describe(explanation.decision()));
    explanation.steps().forEach(step -> out.println("    - " + step));
  }
}
