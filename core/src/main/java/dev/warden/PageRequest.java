package dev.warden;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Optional;

/**
 * Which page of a list to return: at most {@code size} items (1–1000) after an optional cursor taken
 * from a previous {@link Page}. Immutable.
 */
public record PageRequest(Optional<String> cursor, int size) {
  /** The largest page a caller may ask for. */
  public static final int MAX_SIZE = 1000;

  public PageRequest {
    checkNotNull(cursor, "cursor");
    checkArgument(size >= 1 && size <= MAX_SIZE, "page size must be 1-%s, but was %s", MAX_SIZE, size);
  }

  /** The first page of {@code size} items. */
  public static PageRequest first(int size) {
    return new PageRequest(Optional.empty(), size);
  }

  /** The page of {@code size} items after {@code cursor}. */
  public static PageRequest after(String cursor, int size) {
    checkArgument(!checkNotNull(cursor, "cursor").isBlank(), "cursor must not be blank");
    return new PageRequest(Optional.of(cursor), size);
  }
}
