package dev.warden.benchmarks;

import dev.warden.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every page of one list, walked once at set-up for its cursors; {@link #next} fetches the next page
 * in turn, wrapping around after the last, so a benchmark call measures the average page, the seek to
 * its cursor included.
 */
final class Pages {
  private final Function<String, Page<?>> fetch;
  private final List<String> cursors = new ArrayList<>(); // null: the first page
  private int items;
  private int next;

  /** Walks the list once through {@code fetch} (given a cursor, null for the first page). */
  Pages(Function<String, Page<?>> fetch) {
    this.fetch = fetch;
    Optional<String> cursor = Optional.empty();
    do {
      cursors.add(cursor.orElse(null));
      Page<?> page = fetch.apply(cursor.orElse(null));
      items += page.items().size();
      cursor = page.nextCursor();
    } while (cursor.isPresent());
  }

  /** The items of every page, counted by the walk at set-up. */
  int items() {
    return items;
  }

  /** The next page in turn. */
  Page<?> next() {
    String cursor = cursors.get(next);
    next = next + 1 == cursors.size() ? 0 : next + 1;
    return fetch.apply(cursor);
  }
}
