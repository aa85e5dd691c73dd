package dev.warden.internal;

import dev.warden.matrix.PermissionMatrix;
import dev.warden.spi.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, when a policy is built, that the store holds nothing its permission model cannot describe:
 * every resource kind in resources, rules and role rules is a kind of the model, every capability a
 * role carries is a capability of the model, and every object a stored API key's scopes name is a scope
 * object of the model. Data written under another model is refused here, with
 * what is missing, instead of being ignored or failing a check later. Not API.
 */
public final class ModelCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCheck.class);

  private ModelCheck() {}

  /**
   * Runs the check. A store that cannot answer (down, or failing on purpose) is logged and let through:
   * every check then fails closed on its own, and a kind the model lacks is never visible to anyone.
   *
   * @throws IllegalStateException naming every kind and scope object the model lacks
   */
  public static void verify(Store store, PermissionMatrix matrix) {
    InUse inUse;
    try {
      inUse = store.inTransaction(tx -> new InUse(
          com.google.common.collect.Sets.union(tx.resources().kindsInUse(), tx.roles().kindsInUse()),
          tx.roles().capabilitiesInUse(), tx.apiKeys().scopeObjectsInUse()));
    } catch (RuntimeException e) {
      LOG.warn("could not check the store against the permission model ({}); continuing",
          e.getClass().getSimpleName());
      return;
    }
    List<String> problems = new ArrayList<>();
    Set<String> missingKinds = new TreeSet<>(inUse.kinds());
    missingKinds.removeAll(matrix.resourceKinds().keySet());
    if (!missingKinds.isEmpty()) {
      problems.add("resource kinds " + missingKinds + " (the model's kinds are " + matrix.resourceKinds().keySet()
          + ")");
    }
    Set<String> missingCapabilities = new TreeSet<>(inUse.roleCapabilities());
    matrix.capabilities().forEach(c -> missingCapabilities.remove(c.name()));
    if (!missingCapabilities.isEmpty()) {
      problems.add("role capabilities " + missingCapabilities);
    }
    Set<String> missingObjects = new TreeSet<>(inUse.scopeObjects());
    missingObjects.removeAll(matrix.scopeObjects());
    if (!missingObjects.isEmpty()) {
      problems.add("api key scope objects " + missingObjects + " (the model's are " + matrix.scopeObjects() + ")");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the store holds data the permission model does not describe: "
          + String.join("; ", problems)
          + "; declare them in the model (PermissionMatrix.Builder.kind, .capability) or migrate the data");
    }
  }

  /** What the store names, read in one transaction. */
  private record InUse(Set<String> kinds, Set<String> roleCapabilities, Set<String> scopeObjects) {}
}
