package dev.warden.testing;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * A property contract run on several stores: each store's test says how many of a property's declared
 * tries (what the in-memory store runs) it runs, so a store whose writes are slow runs fewer. The
 * contract class adds {@link Hook} with {@code propagateTo = DIRECT_DESCENDANTS}.
 */
public interface ScaledTries {
  /** How many tries a property runs on this store, given how many it declares. */
  int tries(int declared);

  /** Applies the test instance's {@link #tries(int)} to each property's declared tries. */
  final class Hook implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      ScaledTries test = (ScaledTries) context.testInstance();
      context.attributes().tries().ifPresent(declared -> context.attributes().setTries(test.tries(declared)));
      return property.execute();
    }
  }
}
