package dev.warden.examples.invoicing;

import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.matrix.ResourceKind;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;

/**
 * The permission model of an invoicing SaaS, defined entirely through Warden's public API: nothing of
 * PostHog's product (feature flags, dashboards, insights) is in it, only Warden's own lifecycle
 * capabilities ({@link PermissionMatrix#lifecycle()}) and the capabilities below.
 *
 * <p>How the invoicing product maps onto Warden:
 *
 * <ul>
 *   <li><b>Organization</b>: a customer company (say, Northwind). Its <b>Owner</b> is the CFO, its
 *       <b>Admins</b> run members, workspaces and the subscription ({@link #MANAGE_BILLING}), its
 *       <b>Members</b> are staff who see the workspaces they are granted.
 *   <li><b>Project</b>: a <em>workspace</em>, one per legal entity (Northwind EU, Northwind US).
 *       Workspaces are private: a member sees only those they hold a role on (org Admins and Owners see
 *       all of them).
 *   <li><b>Project roles</b>: {@code ADMIN} is the workspace lead (everything, including kind rules and
 *       the period close); {@code MEMBER} is an <em>accountant</em>, who records invoices, approves them
 *       for payment, drafts reports and exports to the ledger; {@code VIEWER} is an <em>auditor</em>,
 *       who reads invoices and reports and changes nothing.
 *   <li><b>Resources</b>: {@code invoice} and {@code report}, registered by whoever records or drafts
 *       them ({@code CREATE_CONTENT} on the workspace), who then manages them. An accountant may approve
 *       any invoice of her workspace (the kind's default level is {@code EDITOR}) until a rule lowers it,
 *       for one invoice ("over 10,000 EUR: the CFO approves") or for the whole kind ("the period is
 *       closed"). Reports are read by everyone in the workspace and published only by their author,
 *       their workspace lead, or whoever a rule makes an editor.
 * </ul>
 *
 * <p>The API key scopes name the product's objects ({@code invoice}, {@code report}, {@code billing},
 * {@code workspace}), so an ERP integration asks for {@code invoice:read}, not for PostHog's
 * {@code query:read}: Warden's own {@code VIEW_DATA} and {@code CREATE_CONTENT} are redefined with
 * them. Minted keys and workspace tokens carry Warden's own prefixes ({@code wdk_}, {@code wdt_}).
 */
public final class InvoicingModel {
  /** Change the subscription and the payment method (organization; Admins and the Owner). */
  public static final Capability MANAGE_BILLING = Capability.organization("billing.manage");
  /** Export a workspace's invoices to the ledger (project; accountants and workspace leads). */
  public static final Capability EXPORT_INVOICES = Capability.project("invoice.export");
  /** Read an invoice (on {@code invoice} resources; every role, at level {@code VIEWER}). */
  public static final Capability VIEW_INVOICE = Capability.resource("invoice", "invoice.view");
  /** Approve an invoice for payment (on {@code invoice} resources; accountants, at level {@code EDITOR}). */
  public static final Capability APPROVE_INVOICE = Capability.resource("invoice", "invoice.approve");
  /** Read a report (on {@code report} resources; every role, at level {@code VIEWER}). */
  public static final Capability VIEW_REPORT = Capability.resource("report", "report.view");
  /** Publish a report to the company (on {@code report} resources; accountants, at level {@code EDITOR}). */
  public static final Capability PUBLISH_REPORT = Capability.resource("report", "report.publish");

  /** The resource kind of invoices. */
  public static final String INVOICE = "invoice";
  /** The resource kind of reports. */
  public static final String REPORT = "report";

  private static final PermissionMatrix MATRIX = PermissionMatrix.lifecycle().toBuilder()
      // Warden's own capabilities keep their meaning; only their API key scopes and words change.
      .capability(Capability.VIEW_DATA, "workspace:read", "See a workspace and what is in it")
      .capability(Capability.CREATE_CONTENT, "invoice:write", "Record invoices and draft reports")
      .capability(MANAGE_BILLING, "billing:write", "Change the subscription and the payment method")
      .capability(EXPORT_INVOICES, "invoice:read", "Export a workspace's invoices to the ledger")
      .capability(VIEW_INVOICE, "invoice:read", "Read an invoice")
      .capability(APPROVE_INVOICE, "invoice:write", "Approve an invoice for payment")
      .capability(VIEW_REPORT, "report:read", "Read a report")
      .capability(PUBLISH_REPORT, "report:write", "Publish a report to the company")
      .kind(ResourceKind.named(INVOICE)
          .defaultLevel(AccessLevel.EDITOR) // accountants approve unless a rule says otherwise
          .requires(AccessLevel.VIEWER, Capability.VIEW_DATA, VIEW_INVOICE)
          .requires(AccessLevel.EDITOR, APPROVE_INVOICE))
      .kind(ResourceKind.named(REPORT)
          .defaultLevel(AccessLevel.VIEWER)  // only authors (and rules) make editors
          .minimumLevel(AccessLevel.VIEWER)  // everyone who sees the workspace reads its reports
          .requires(AccessLevel.VIEWER, Capability.VIEW_DATA, VIEW_REPORT)
          .requires(AccessLevel.EDITOR, PUBLISH_REPORT))
      .grant(OrgLevel.ADMIN, MANAGE_BILLING)
      .grant(OrgLevel.OWNER, MANAGE_BILLING)
      .grant(ProjectRole.VIEWER, VIEW_INVOICE, VIEW_REPORT)
      .grant(ProjectRole.MEMBER, VIEW_INVOICE, VIEW_REPORT, APPROVE_INVOICE, PUBLISH_REPORT, EXPORT_INVOICES)
      .grant(ProjectRole.ADMIN, VIEW_INVOICE, VIEW_REPORT, APPROVE_INVOICE, PUBLISH_REPORT, EXPORT_INVOICES)
      .newProjectVisibility(Visibility.PRIVATE)
      .build();

  private InvoicingModel() {}

  /** The model: built (and validated) once; immutable. */
  public static PermissionMatrix matrix() {
    return MATRIX;
  }
}
