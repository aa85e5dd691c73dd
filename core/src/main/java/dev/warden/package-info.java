/**
 * What every caller touches: {@link dev.warden.AccessPolicy} (the entry point and its builder),
 * {@link dev.warden.Principal}, {@link dev.warden.Decision} with its {@link dev.warden.Reason}, and the
 * exceptions ({@link dev.warden.WardenException} with an {@link dev.warden.ErrorCode}).
 */
package dev.warden;
