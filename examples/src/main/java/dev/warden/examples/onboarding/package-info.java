/**
 * The user-management guide's common scenarios, run against an in-memory policy: a new engineer, an
 * executive, a contractor whose access expires, a private project and an ownership transfer. Start with
 * {@link dev.warden.examples.onboarding.OnboardingDemo}.
 */
package dev.warden.examples.onboarding;
