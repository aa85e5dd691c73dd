package dev.warden.spi;

/**
 * Receives notifications the host delivers (e-mail, chat). Called after the change has committed, on
 * the thread that made it; an exception is logged and never undoes the change.
 */
public interface Notifier {

  /** A notifier that drops everything; the default. */
  Notifier NONE = event -> {};

  /** Someone joined an organization; tell {@link MemberJoined#recipients()}. */
  void memberJoined(MemberJoined event);
}
