/** Answers about who holds access and why: {@code whoCan} results and {@code explain} traces. */
package dev.warden.report;
