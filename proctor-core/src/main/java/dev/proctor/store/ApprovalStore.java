package dev.proctor.store;

import java.util.List;
import java.util.Optional;

/**
 * Where actions held for approval and their votes live, shared by every instance on the same store
 * (one SQLite file, or one PostgreSQL database). Each method is one durable transaction; one that
 * cannot be made throws {@link LogStoreException} and changes nothing. Races between instances are
 * settled here: {@link #add}, {@link #addVote} and {@link #useToken} insert at most once, {@link
 * #settle} closes at most once.
 */
public interface ApprovalStore extends AutoCloseable {

  /** Holds an action; false (and nothing changed) when one with that id is held already. */
  boolean add(StoredApproval approval);

  /** The held action with an id, open or settled. */
  Optional<StoredApproval> approval(String actionId);

  /** Open held actions, oldest first, at most {@code limit}. */
  List<StoredApproval> open(int limit);

  /**
   * Open held actions whose expiry is at or before a time, soonest first, at most {@code limit}.
   */
  List<StoredApproval> openExpiringBy(long timeMillis, int limit);

  /**
   * Adds a vote; false (and nothing changed) when that approver has voted on that action already,
   * so that one person counts once however many instances they vote through.
   */
  boolean addVote(StoredVote vote);

  /** The votes on an action in the order they were cast. */
  List<StoredVote> votes(String actionId);

  /**
   * Records that the approval token with a nonce was used for an action; false (and nothing
   * changed) when that nonce was used already — here or on any other instance on the store — so
   * that a token works once, across restarts too.
   */
  boolean useToken(String nonce, String actionId, long timeMillis);

  /** Marks a held action settled; true when this call closed it, false when it was not open. */
  boolean settle(String actionId);

  /** Releases the store's resources. */
  @Override
  void close();
}
