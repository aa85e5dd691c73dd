/**
 * What the demos in the scenario packages share: a {@link dev.warden.examples.DemoClock} they move by
 * hand and the {@link dev.warden.examples.DemoOutput} they print through. These types only serve the
 * examples; they are not part of Warden.
 */
package dev.warden.examples;
