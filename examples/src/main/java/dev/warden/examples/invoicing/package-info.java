/**
 * A second worked model: an invoicing SaaS with its own capabilities, resource kinds and API key scopes
 * ({@link dev.warden.examples.invoicing.InvoicingModel}), and a walk-through on it
 * ({@link dev.warden.examples.invoicing.InvoicingDemo}): accountants, auditors, invoices, reports.
 */
package dev.warden.examples.invoicing;
