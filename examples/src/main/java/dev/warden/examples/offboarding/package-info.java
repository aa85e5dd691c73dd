/**
 * The user-management guide's offboarding checklist for a contractor, run against an in-memory policy:
 * access registry, access review, one atomic offboarding and what it changed. Start with
 * {@link dev.warden.examples.offboarding.ContractorOffboardingDemo}.
 */
package dev.warden.examples.offboarding;
