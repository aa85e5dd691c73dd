package dev.warden.testing;

import dev.warden.organization.OrgId;
import dev.warden.spi.ForwardingTransaction;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A store that passes every repository call through an {@link Interceptor}, so a test can record the
 * calls the engine makes or make one of them fail. For a change to one repository,
 * {@link ForwardingTransaction} reads more plainly.
 */
public final class InterceptingStore {
  private InterceptingStore() {}

  /** Sees every repository call of a store and decides what happens. */
  @FunctionalInterface
  public interface Interceptor {
    /**
     * Handles {@code method} of the repository interface {@code repository}, called with {@code args};
     * {@code proceed} makes the real call.
     */
    Object call(Class<?> repository, Method method, Object[] args, Call proceed) throws Throwable;
  }

  /** The real repository call. */
  @FunctionalInterface
  public interface Call {
    Object get() throws Throwable;
  }

  /** A store passing every repository call of {@code delegate} through {@code interceptor}. */
  public static Store intercepting(Store delegate, Interceptor interceptor) {
    return new Store() {
      @Override
      public <T> T inTransaction(Function<Transaction, T> work) {
        return delegate.inTransaction(tx -> work.apply(wrap(tx, interceptor)));
      }

      @Override
      public boolean shared() {
        return delegate.shared();
      }

      @Override
      public boolean subscribe(Consumer<OrgId> listener) {
        return delegate.subscribe(listener);
      }
    };
  }

  private static Transaction wrap(Transaction tx, Interceptor interceptor) {
    ClassLoader loader = InterceptingStore.class.getClassLoader();
    return (Transaction) Proxy.newProxyInstance(loader, new Class<?>[] {Transaction.class}, (proxy, method, args) -> {
      Object repository = invoke(method, tx, args);
      Class<?> type = method.getReturnType();
      return Proxy.newProxyInstance(loader, new Class<?>[] {type},
          (p, m, a) -> interceptor.call(type, m, a, () -> invoke(m, repository, a)));
    });
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
