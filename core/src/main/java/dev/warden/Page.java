package dev.warden;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Optional;

/**
 * One page of a list. {@link #nextCursor()} is present when more items follow; pass it to
 * {@link PageRequest#after} for the next page. Lists are never silently truncated. Immutable.
 */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
  public Page {
    items = ImmutableList.copyOf(items);
    checkNotNull(nextCursor, "nextCursor");
  }
}
