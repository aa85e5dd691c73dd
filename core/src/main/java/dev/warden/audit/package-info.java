/** The audit log: entries written with every change, queries, JSON Lines and CSV export. */
package dev.warden.audit;
