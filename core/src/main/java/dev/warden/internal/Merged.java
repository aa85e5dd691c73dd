package dev.warden.internal;

import com.google.common.collect.Iterators;
import com.google.common.collect.PeekingIterator;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Two iterators, each in {@code order}, merged into one in that order; an item of both (the two compare
 * equal) is given once. Each step compares the two heads, and only while both have items: once one
 * runs out, the other passes straight through. Not API.
 *
 * @param <T> the item type
 */
final class Merged<T> implements Iterator<T> {
  private final PeekingIterator<T> a;
  private final PeekingIterator<T> b;
  private final Comparator<? super T> order;

  Merged(Iterator<T> a, Iterator<T> b, Comparator<? super T> order) {
    this.a = Iterators.peekingIterator(a);
    this.b = Iterators.peekingIterator(b);
    this.order = order;
  }

  @Override
  public boolean hasNext() {
    return a.hasNext() || b.hasNext();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (!b.hasNext()) {
      return a.next();
    }
    if (!a.hasNext()) {
      return b.next();
    }
    int c = order.compare(a.peek(), b.peek());
    if (c == 0) {
      b.next();
    }
    return c <= 0 ? a.next() : b.next();
  }
}
