package dev.warden.examples.invoicing;

import static dev.warden.examples.DemoOutput.describe;
import static dev.warden.examples.invoicing.InvoicingModel.APPROVE_INVOICE;
import static dev.warden.examples.invoicing.InvoicingModel.EXPORT_INVOICES;
import static dev.warden.examples.invoicing.InvoicingModel.INVOICE;
import static dev.warden.examples.invoicing.InvoicingModel.MANAGE_BILLING;
import static dev.warden.examples.invoicing.InvoicingModel.PUBLISH_REPORT;
import static dev.warden.examples.invoicing.InvoicingModel.REPORT;
import static dev.warden.examples.invoicing.InvoicingModel.VIEW_INVOICE;
import static dev.warden.examples.invoicing.InvoicingModel.VIEW_REPORT;
import static java.util.stream.Collectors.joining;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.examples.DemoClock;
import dev.warden.examples.DemoOutput;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.report.Explanation;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import java.io.PrintStream;
import java.time.Instant;

/**
 * An invoicing SaaS on its own permission model ({@link InvoicingModel}): a CFO signs her company up,
 * invites an accountant and an auditor to one workspace, records invoices, drafts a report, holds a
 * large invoice for her own approval, closes the period, and connects the ERP with an API key. Prints
 * every decision with its reason, one explanation and who may approve what.
 *
 * <p>Run it from the repository root with
 * {@code ./mvnw -q -pl examples -am test-compile exec:java -Dexec.mainClass=dev.warden.examples.invoicing.InvoicingDemo}.
 */
public final class InvoicingDemo {
  private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

  private final DemoClock clock = new DemoClock(START);
  private final AccessPolicy policy = AccessPolicy.builder()
      .matrix(InvoicingModel.matrix())
      .clock(clock)
      .build();
  private final DemoOutput out;

  private InvoicingDemo(PrintStream out) {
    this.out = new DemoOutput(out);
  }

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the walk-through on a new policy, printing to {@code out}. */
  public static void run(PrintStream out) {
    new InvoicingDemo(out).walkThrough();
  }

  private void walkThrough() {
    Principal cfo = Principal.user(UserId.of("cfo"), "cfo@northwind.example");
    Principal accountant = Principal.user(UserId.of("accountant"), "ann@northwind.example");
    Principal auditor = Principal.user(UserId.of("auditor"), "aaron@audit-firm.example");

    out.println("Warden invoicing demo: a permission model of the host's own (InvoicingModel), no PostHog in it.");
    out.println("Workspaces are projects; accountants are project Members, auditors project Viewers.");
    out.println("Each decision reads: user, capability, target, outcome (reason).");

    out.section("Northwind signs up; the CFO opens a workspace per legal entity");
    Organization northwind = policy.organizations().create(cfo, "Northwind"); // the creator becomes its Owner
    Project eu = policy.projects().create(cfo, northwind.id(), "Northwind EU"); // private, like every workspace
    Project us = policy.projects().create(cfo, northwind.id(), "Northwind US");
    out.println("  workspace token of Northwind EU starts with " + eu.token().substring(0, 4));
    show(cfo, MANAGE_BILLING, northwind);
    show(cfo, EXPORT_INVOICES, us);

    out.section("The CFO invites an accountant (Member on EU) and an auditor (Viewer on EU)");
    join(cfo, northwind, accountant, InviteRequest.to("ann@northwind.example").grant(eu.id(), ProjectRole.MEMBER));
    join(cfo, northwind, auditor, InviteRequest.to("aaron@audit-firm.example").grant(eu.id(), ProjectRole.VIEWER));
    show(accountant, MANAGE_BILLING, northwind);
    show(accountant, EXPORT_INVOICES, eu);
    show(auditor, EXPORT_INVOICES, eu);
    show(auditor, EXPORT_INVOICES, us); // a private workspace without a grant reads exactly like a missing one

    out.section("Invoices arrive in Northwind EU; the accountant drafts the Q1 VAT report");
    ResourceRef office = register(cfo, ResourceRef.of(eu.id(), INVOICE, "inv-1001"));    // 1,200 EUR of office supplies
    ResourceRef servers = register(cfo, ResourceRef.of(eu.id(), INVOICE, "inv-1002"));   // 48,000 EUR of servers
    ResourceRef vat = register(accountant, ResourceRef.of(eu.id(), REPORT, "vat-2026-q1"));
    out.attempt("auditor records an invoice (Viewers create nothing)",
        () -> policy.resources().register(auditor, ResourceRef.of(eu.id(), INVOICE, "inv-1003")));
    show(accountant, APPROVE_INVOICE, office);
    show(auditor, VIEW_INVOICE, office);
    show(auditor, APPROVE_INVOICE, office);
    show(auditor, VIEW_INVOICE, ResourceRef.of(eu.id(), INVOICE, "inv-9999")); // never registered
    show(auditor, VIEW_REPORT, vat);
    show(auditor, PUBLISH_REPORT, vat);
    show(accountant, PUBLISH_REPORT, vat); // she drafted it, so she manages it

    out.section("Over 10,000 EUR the CFO approves: inv-1002 is view-only for everyone else");
    policy.resources().setEveryoneRule(cfo, servers, AccessLevel.VIEWER);
    show(accountant, VIEW_INVOICE, servers);
    show(accountant, APPROVE_INVOICE, servers);
    explain(accountant, APPROVE_INVOICE, servers);
    whoCan(APPROVE_INVOICE, office);
    whoCan(APPROVE_INVOICE, servers);

    clock.set(Instant.parse("2026-04-01T09:00:00Z"));
    out.section(clock.instant() + ": the CFO closes Q1 in Northwind EU (a rule for every invoice)");
    policy.resources().setKindRule(cfo, eu.id(), INVOICE, AccessLevel.VIEWER);
    show(accountant, APPROVE_INVOICE, office);
    show(accountant, VIEW_INVOICE, office);
    policy.resources().clearKindRule(cfo, eu.id(), INVOICE);
    out.println("  > the CFO reopens the period");
    show(accountant, APPROVE_INVOICE, office);

    out.section("The accountant connects the ERP with an API key that may only read invoices");
    IssuedApiKey issued = policy.apiKeys().create(accountant,
        ApiKeyRequest.labeled("ERP sync").scopes("invoice:read").limitToProjects(eu.id()));
    out.println("  the key (shown once) starts with " + issued.value().substring(0, 4));
    Principal erp = policy.apiKeys().authenticate(issued.value()).orElseThrow();
    show(erp, EXPORT_INVOICES, eu);
    show(erp, VIEW_INVOICE, office);
    show(erp, APPROVE_INVOICE, office);
    try { // a scope the model lacks is a programming error of the host, not a refusal
      policy.apiKeys().create(accountant, ApiKeyRequest.labeled("BI export").scopes("query:read"));
    } catch (IllegalArgumentException e) {
      out.println("  a key with PostHog's scope query:read: " + e.getMessage());
    }
  }

  /** {@code inviter} invites; {@code invitee} accepts with the email the host verified for them. */
  private void join(Principal inviter, Organization org, Principal invitee, InviteRequest request) {
    IssuedInvite invite = policy.invites().create(inviter, org.id(), request);
    policy.invites().accept(invite.token(), invitee, request.email().value());
  }

  private ResourceRef register(Principal creator, ResourceRef ref) {
    policy.resources().register(creator, ref);
    out.printf("  %-16s records %s %s%n", creator.userId(), ref.kind(), ref.id());
    return ref;
  }

  private void show(Principal who, Capability capability, Organization org) {
    print(who, capability, org.name(), policy.check(who, capability, org.id()));
  }

  private void show(Principal who, Capability capability, Project project) {
    print(who, capability, project.name(), policy.check(who, capability, project.id()));
  }

  private void show(Principal who, Capability capability, ResourceRef resource) {
    print(who, capability, resource.id(), policy.check(who, capability, resource));
  }

  private void print(Principal who, Capability capability, String target, Decision decision) {
    String name = who.apiKey().isPresent() ? who.userId() + " (key)" : who.userId().toString();
    out.printf("  %-16s %-15s %-12s %s%n", name, capability, target, describe(decision));
  }

  private void explain(Principal who, Capability capability, ResourceRef resource) {
    Explanation explanation = policy.explain(who, capability, resource);
    out.printf("  explain %s %s on %s: %s%n", who.userId(), capability, resource.id(),
        describe(explanation.decision()));
    explanation.steps().forEach(step -> out.println("    - " + step));
  }

  private void whoCan(Capability capability, ResourceRef resource) {
    out.println("  who can " + capability + " " + resource.id() + ": " + policy.whoCan(capability, resource).stream()
        .map(holder -> holder.user() + " (" + holder.reason() + ")")
        .collect(joining(", ")));
  }
}
