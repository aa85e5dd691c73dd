package dev.warden.internal.persistent;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Test keys whose hash codes spread well, collide fully, or share long prefixes, and random operations. */
final class Keys {
  private Keys() {}

  /** How a key's hash code derives from its id. */
  enum Hashing {
    /** Well spread: shallow trie. */
    SPREAD,
    /** Four hash codes in all: collision nodes below the last level. */
    TINY,
    /** 256 hash codes sharing their low 24 bits after spreading: deep paths, then collisions. */
    DEEP;

    int hash(int id) {
      return switch (this) {
        case SPREAD -> id * 0x9E3779B9;
        case TINY -> id & 3;
        // HashTrie.spread is an involution: the trie sees exactly (id & 0xFF) << 24.
        case DEEP -> HashTrie.spread((id & 0xFF) << 24);
      };
    }

    /** Ids for a long run: 5,000, but fewer with four hash codes, whose collision nodes are linear lists. */
    int scale() {
      return this == TINY ? 500 : 5_000;
    }
  }

  /** A key with a chosen hash code; equal iff the ids are. */
  record Key(int id, Hashing hashing) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.id == id;
    }

    @Override
    public int hashCode() {
      return hashing.hash(id);
    }
  }

  /** One update or read of a map under test. */
  record Op(Kind kind, int id, int value) {
    enum Kind { PLUS, MINUS, GET, SEEK }
  }

  /** Operations over ids in {@code [0, ids)}, mostly updates; values in a small range, so some repeat. */
  static Arbitrary<List<Op>> ops(int ids, int maxOps) {
    Arbitrary<Op.Kind> kinds = Arbitraries.frequency(
        Tuple.of(5, Op.Kind.PLUS), Tuple.of(3, Op.Kind.MINUS), Tuple.of(1, Op.Kind.GET),
        Tuple.of(1, Op.Kind.SEEK));
    return Combinators.combine(kinds, Arbitraries.integers().between(0, ids - 1),
            Arbitraries.integers().between(0, 3))
        .as(Op::new).list().ofMaxSize(maxOps);
  }

  /**
   * {@code n} random operations over ids in {@code [0, ids)}: a long run that first grows the map to
   * about {@code ids} entries, then shrinks it, with gets and seeks throughout (not shrinkable, for sizes
   * in the thousands).
   */
  static List<Op> longRun(long seed, int ids, int n) {
    Random random = new Random(seed);
    List<Op> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean growing = i < n * 2 / 3;
      int r = random.nextInt(10);
      Op.Kind kind = r < 1 ? Op.Kind.GET : r < 2 ? Op.Kind.SEEK
          : r < (growing ? 8 : 4) ? Op.Kind.PLUS : Op.Kind.MINUS;
      ops.add(new Op(kind, random.nextInt(ids), random.nextInt(4)));
    }
    return ops;
  }
}
