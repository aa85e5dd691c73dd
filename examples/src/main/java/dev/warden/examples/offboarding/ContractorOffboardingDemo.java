package dev.warden.examples.offboarding;

import static dev.warden.examples.DemoOutput.describe;
import static java.util.stream.Collectors.joining;

import dev.warden.AccessPolicy;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.examples.DemoClock;
import dev.warden.examples.DemoOutput;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OffboardingReport;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.report.AccessReview;
import dev.warden.resource.ResourceRef;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offboards a marketing consultant following the offboarding checklist of PostHog's user-management
 * guide [004] under the governance preset {@link PermissionMatrix#leastPrivilege()}: the access
 * registry and an access review before, then one atomic {@code offboard} that removes the membership,
 * revokes or narrows the consultant's API keys, hands her dashboards to the marketing lead and audits
 * each step, and the registry, keys and audit log after.
 *
 * <p>Run it from the repository root with
 * {@code ./mvnw -q -pl examples -am test-compile exec:java -Dexec.mainClass=dev.warden.examples.offboarding.ContractorOffboardingDemo}.
 */
public final class ContractorOffboardingDemo {
  private static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  // The policy judges expiries and key use by this clock, so the demo can let weeks pass.
  private final DemoClock clock = new DemoClock(START);
  private final AccessPolicy policy = AccessPolicy.builder()
      .matrix(PermissionMatrix.leastPrivilege())
      .clock(clock)
      .build();
  private final DemoOutput out;
  /** Labels of the consultant's keys by id, and names of organizations, for output that is the same on every run. */
  private final Map<String, String> names = new LinkedHashMap<>();

  private ContractorOffboardingDemo(PrintStream out) {
    this.out = new DemoOutput(out);
  }

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the walk-through on a new policy, printing to {@code out}. */
  public static void run(PrintStream out) {
    new ContractorOffboardingDemo(out).walkThrough();
  }

  private void walkThrough() {
    Principal cto = Principal.user(UserId.of("cto"), "cto@acme.com");
    Principal vp = Principal.user(UserId.of("vp"), "vp@acme.com");
    Principal lead = Principal.user(UserId.of("lead"), "lead@acme.com");
    Principal admin = Principal.user(UserId.of("admin"), "admin@acme.com");
    Principal consultant = Principal.user(UserId.of("consultant"), "consultant@agency.com");

    out.println("Warden contractor offboarding demo: the offboarding checklist of PostHog's user-management guide.");
    out.println("The clock starts at " + START + "; Acme Corp uses the leastPrivilege() preset.");

    Instant contractEnds = START.plus(Duration.ofDays(90));
    out.section("Acme Corp engages a marketing consultant until " + contractEnds);
    Organization acme = policy.organizations().create(cto, "Acme Corp");
    names.put(acme.id().value(), "Acme Corp");
    Project site = policy.projects().create(cto, acme.id(), "Marketing Site"); // private, like every new project here
    join(cto, acme, vp, InviteRequest.to("vp@acme.com").level(OrgLevel.OWNER));
    join(cto, acme, admin, InviteRequest.to("admin@acme.com").level(OrgLevel.ADMIN));
    join(cto, acme, lead, InviteRequest.to("lead@acme.com").grant(site.id(), ProjectRole.MEMBER));
    join(cto, acme, consultant, InviteRequest.to("consultant@agency.com").grant(site.id(), ProjectRole.MEMBER));
    policy.members().setExpiry(cto, acme.id(), consultant.userId(), contractEnds);
    note(cto, acme, cto, "CTO");
    note(cto, acme, vp, "VP Engineering");
    note(cto, acme, admin, "Engineering Manager");
    note(cto, acme, lead, "Marketing Lead");
    note(cto, acme, consultant, "Marketing Consultant");

    // The consultant also runs her agency's own organization, so some of her keys reach beyond Acme.
    Organization agency = policy.organizations().create(consultant, "Agency Co");
    names.put(agency.id().value(), "Agency Co");
    ResourceRef campaigns = dashboard(consultant, site, "campaigns");
    ResourceRef seo = dashboard(consultant, site, "seo");
    key(consultant, ApiKeyRequest.labeled("acme export").scopes("query:read").limitToOrganizations(acme.id()));
    key(consultant, ApiKeyRequest.labeled("acme and agency").scopes("query:read")
        .limitToOrganizations(acme.id(), agency.id()));
    key(consultant, ApiKeyRequest.labeled("agency reporting").scopes("query:read").limitToOrganizations(agency.id()));
    out.println("  the consultant created the dashboards campaigns and seo on Marketing Site");
    out.println("  her API keys: " + keyList(consultant));
    show(consultant, Capability.CREATE_CONTENT, campaigns, "campaigns");
    registry(cto, acme);

    clock.set(START.plus(Duration.ofDays(30)));
    out.section(clock.instant() + ": the quarterly access review");
    AccessReview review = policy.reports().review(cto, acme.id(), Duration.ofDays(90), Duration.ofDays(14));
    out.println("  Owners: " + review.owners() + ", Admins: " + review.admins());
    out.println("  expiring within 90 days: " + review.expiringMemberships().stream()
        .map(m -> m.user() + " on " + m.expiresAt().orElseThrow()).collect(joining(", ")));
    out.println("  API keys unused for 14 days: " + review.unusedApiKeys().stream()
        .map(k -> k.user() + " \"" + k.label() + "\"").collect(joining(", ")));
    out.println("  last review: " + review.lastReview().map(Instant::toString).orElse("never"));
    policy.reports().recordReview(cto, acme.id(), "Q1: consultant engagement on track");
    out.println("  review recorded at " + clock.instant());

    clock.set(START.plus(Duration.ofDays(45)));
    out.section(clock.instant() + ": the engagement ends early; the CTO offboards the consultant");
    out.attempt("admin offboards the consultant (leastPrivilege: only Owners remove members)",
        () -> policy.members().offboard(admin, acme.id(), consultant.userId(), lead.userId()));
    out.attempt("cto offboards vp (an Owner must be demoted first)",
        () -> policy.members().offboard(cto, acme.id(), vp.userId(), lead.userId()));
    OffboardingReport report = policy.members().offboard(cto, acme.id(), consultant.userId(), lead.userId());
    out.println("  offboarding report:");
    List<String> steps = report.steps();
    for (int i = 0; i < steps.size(); i++) {
      out.println("    " + (i + 1) + ". " + readable(steps.get(i)));
    }

    out.section("After offboarding");
    show(consultant, Capability.VIEW_DATA, campaigns, "campaigns");
    show(lead, Capability.CREATE_CONTENT, campaigns, "campaigns");
    out.println("  creator of campaigns: " + policy.resources().get(cto, campaigns).creator()
        + ", of seo: " + policy.resources().get(cto, seo).creator());
    out.println("  her API keys: " + keyList(consultant));
    out.println("  consultant in Agency Co: " + describe(policy.check(consultant, Capability.VIEW_ORGANIZATION,
        agency.id())));
    registry(cto, acme);
    out.println("  audit log of the offboarding:");
    List<AuditEntry> entries = new ArrayList<>(policy.audit().query(cto,
        AuditQuery.organization(acme.id()).between(clock.instant(), clock.instant().plusSeconds(1)),
        PageRequest.first(100)).items());
    Collections.reverse(entries); // oldest first
    for (AuditEntry e : entries) {
      out.println("    " + e.actor() + " " + e.action() + " " + readable(e.target().orElse("")));
    }
  }

  /** {@code inviter} invites; {@code invitee} accepts with the email the host verified for them. */
  private void join(Principal inviter, Organization org, Principal invitee, InviteRequest request) {
    IssuedInvite invite = policy.invites().create(inviter, org.id(), request);
    policy.invites().accept(invite.token(), invitee, request.email().value());
  }

  private void note(Principal actor, Organization org, Principal who, String note) {
    policy.members().setNote(actor, org.id(), who.userId(), note);
  }

  private ResourceRef dashboard(Principal creator, Project project, String id) {
    return policy.resources().register(creator, ResourceRef.dashboard(project.id(), id)).ref();
  }

  private void key(Principal user, ApiKeyRequest request) {
    IssuedApiKey issued = policy.apiKeys().create(user, request); // the value is shown once; the demo drops it
    names.put(issued.key().id().value(), "\"" + issued.key().label() + "\"");
  }

  /** The user's keys: label and the organizations each is limited to. */
  private String keyList(Principal user) {
    List<String> keys = new ArrayList<>();
    for (ApiKey k : policy.apiKeys().list(user)) {
      keys.add("\"" + k.label() + "\" limited to " + k.organizations().stream()
          .map(o -> names.get(o.value())).collect(joining(" + ")));
    }
    return keys.isEmpty() ? "none" : String.join(", ", keys);
  }

  private void registry(Principal actor, Organization org) {
    out.println("  access registry:");
    policy.reports().registry(actor, org.id()).toMarkdown().lines().forEach(line -> out.println("    " + line));
  }

  private void show(Principal who, Capability capability, ResourceRef dashboard, String name) {
    out.printf("  %-10s %-21s %-9s %s%n", who.userId(), capability, name,
        describe(policy.check(who, capability, dashboard)));
  }

  /** Replaces generated ids (organizations, keys) with their names, so the output reads well. */
  private String readable(String text) {
    String result = text;
    for (Map.Entry<String, String> e : names.entrySet()) {
      result = result.replace(e.getKey(), e.getValue());
    }
    return result;
  }
}
