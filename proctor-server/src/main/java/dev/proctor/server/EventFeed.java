package dev.proctor.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Receipt;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.LogReader;
import dev.proctor.store.StoredEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

/**
 * The live action feed as Server-Sent Events ({@code GET /v1/events}): every receipt once it is
 * durable, as {@code event: receipt}, {@code id: <seq>}, {@code data: <receipt JSON>}, filtered by
 * agent, session, class and lifecycle state. A client that reconnects with {@code Last-Event-ID}
 * gets what it missed (up to {@link #REPLAY} receipts) from the log first.
 *
 * <p>Why a dispatcher thread: the log's writer calls the listener and must not wait, so it only
 * hands the batch over; a subscriber that falls {@link #QUEUE} receipts behind is told so and
 * disconnected rather than slowing anyone down.
 *
 * <p>One action's events ({@code GET /v1/actions/{id}/events}, {@link #serveAction}) are read from
 * the store instead — its receipts so far, then each new one — woken by this instance's writes and
 * polled every {@link #ACTION_POLL_MILLIS} ms for those another instance on the same store made,
 * and the stream ends once the action reaches a final state.
 */
final class EventFeed implements AutoCloseable {

  static final int REPLAY = 1000;
  private static final int QUEUE = 4096;
  private static final long HEARTBEAT_MILLIS = 15_000;
  static final long ACTION_POLL_MILLIS = 200;

  /**
   * The states that end an action's event stream: nothing follows them but, for an outcome, a
   * rollback (which a client following the action no longer waits for).
   */
  static final Set<LifecycleState> FINAL =
      Set.of(
          LifecycleState.DENIED,
          LifecycleState.RATE_LIMITED,
          LifecycleState.REJECTED,
          LifecycleState.EXPIRED,
          LifecycleState.CANCELED,
          LifecycleState.SUCCEEDED,
          LifecycleState.FAILED,
          LifecycleState.INTERRUPTED,
          LifecycleState.ROLLED_BACK);

  /** What a subscriber asked to see; an empty set means everything. */
  record Filter(Set<String> agents, Set<String> sessions, Set<String> classes, Set<String> states) {
    Filter {
      agents = Set.copyOf(agents);
      sessions = Set.copyOf(sessions);
      classes = Set.copyOf(classes);
      states = Set.copyOf(states);
    }

    boolean accepts(Item i) {
      return (agents.isEmpty() || agents.contains(i.agent()))
          && (sessions.isEmpty() || sessions.contains(i.session()))
          && (classes.isEmpty() || classes.contains(i.actionClass()))
          && (states.isEmpty() || states.contains(i.state()));
    }
  }

  /** One receipt with the fields filters look at. */
  record Item(
      long seq, String state, String agent, String session, String actionClass, String json) {

    static Item of(long seq, String state, String json) {
      JsonNode a;
      try {
        a = Exchange.JSON.readTree(json).path("action");
      } catch (IOException e) {
        a = Exchange.JSON.createObjectNode();
      }
      JsonNode r = a.path("requester");
      return new Item(
          seq,
          state,
          r.path("agent").asText(""),
          r.path("session").asText(""),
          a.path("class").asText(""),
          json);
    }
  }

  private static final class Subscriber {
    final Filter filter;
    final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE);
    volatile boolean overflowed;

    Subscriber(Filter filter) {
      this.filter = filter;
    }
  }

  private final LogReader store;
  private final int maxSubscribers;
  private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
  private final AtomicInteger count = new AtomicInteger();
  private final BlockingQueue<List<Receipt>> batches = new ArrayBlockingQueue<>(1024);
  private final Thread dispatcher;
  private final Object written = new Object();
  private volatile boolean closed;

  EventFeed(ActionLog log, int maxSubscribers) {
    this.store = log.store();
    this.maxSubscribers = maxSubscribers;
    this.dispatcher = new Thread(this::dispatch, "proctor-event-feed");
    this.dispatcher.setDaemon(true);
    this.dispatcher.start();
    log.onReceipts(
        batch -> {
          if (!subscribers.isEmpty() && !batches.offer(batch)) {
            subscribers.forEach(s -> s.overflowed = true);
          }
          synchronized (written) {
            written.notifyAll();
          }
        });
  }

  private void dispatch() {
    try {
      while (!closed) {
        List<Receipt> batch = batches.poll(500, TimeUnit.MILLISECONDS);
        if (batch == null) {
          continue;
        }
        for (Receipt r : batch) {
          Item item = Item.of(r.sequence(), r.state().wireName(), r.json());
          for (Subscriber s : subscribers) {
            if (s.filter.accepts(item) && !s.queue.offer(item)) {
              s.overflowed = true;
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Streams the feed to one client until it goes away, falls too far behind, or the server stops.
   */
  void serve(Exchange x, Filter filter, Optional<Long> lastEventId) throws HttpError {
    if (count.incrementAndGet() > maxSubscribers) {
      count.decrementAndGet();
      throw new HttpError(503, "feed-full", "the live feed has its maximum of subscribers");
    }
    Subscriber s = new Subscriber(filter);
    subscribers.add(s);
    try {
      x.response.setStatus(200);
      x.response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      x.response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      OutputStream out = Content.Sink.asOutputStream(x.response);
      out.write(": proctor live feed\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (lastEventId.isPresent()) {
        long from = lastEventId.get() + 1;
        long to = Math.min(store.size(), from + REPLAY);
        List<Item> missed = new ArrayList<>();
        if (from < to) {
          store.scan(from, to, e -> missed.add(Item.of(e.sequence(), e.state(), e.json())));
        }
        for (Item i : missed) {
          if (filter.accepts(i)) {
            write(out, i);
          }
        }
        out.flush();
      }
      long lastWrite = System.currentTimeMillis();
      while (!closed && !s.overflowed) {
        Item i = s.queue.poll(1000, TimeUnit.MILLISECONDS);
        if (i != null) {
          write(out, i);
          for (Item more; (more = s.queue.poll()) != null; ) {
            write(out, more);
          }
          out.flush();
          lastWrite = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - lastWrite > HEARTBEAT_MILLIS) {
          out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastWrite = System.currentTimeMillis();
        }
      }
      if (s.overflowed) {
        out.write(
            "event: overflow\ndata: {\"message\":\"this subscriber fell behind; reconnect with Last-Event-ID\"}\n\n"
                .getBytes(StandardCharsets.UTF_8));
      }
      out.close();
      x.callback.succeeded();
    } catch (IOException e) {
      // The client went away.
      x.callback.failed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      x.callback.failed(e);
    } finally {
      subscribers.remove(s);
      count.decrementAndGet();
    }
  }

  /**
   * Streams one action's receipts — those on record, then each new one — until the action reaches a
   * {@link #FINAL} state (then {@code event: end} with its state), the client goes away or the
   * server stops. The caller has checked that the action exists and may be read.
   */
  void serveAction(Exchange x, String actionId) throws HttpError {
    if (count.incrementAndGet() > maxSubscribers) {
      count.decrementAndGet();
      throw new HttpError(503, "feed-full", "the live feed has its maximum of subscribers");
    }
    try {
      x.response.setStatus(200);
      x.response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      x.response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      OutputStream out = Content.Sink.asOutputStream(x.response);
      out.write(": proctor action events\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      long sent = -1;
      long lastWrite = System.currentTimeMillis();
      Optional<LifecycleState> last = Optional.empty();
      while (!closed) {
        boolean wrote = false;
        for (StoredEntry e : store.entriesOf(actionId, 1000)) {
          if (e.sequence() > sent) {
            write(out, new Item(e.sequence(), e.state(), "", "", "", e.json()));
            sent = e.sequence();
            last = LifecycleState.fromWireName(e.state());
            wrote = true;
          }
        }
        if (last.isPresent() && FINAL.contains(last.get())) {
          out.write(
              ("event: end\ndata: {\"state\":\"" + last.get().wireName() + "\"}\n\n")
                  .getBytes(StandardCharsets.UTF_8));
          break;
        }
        if (wrote) {
          out.flush();
          lastWrite = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - lastWrite > HEARTBEAT_MILLIS) {
          out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastWrite = System.currentTimeMillis();
        }
        synchronized (written) {
          written.wait(ACTION_POLL_MILLIS);
        }
      }
      out.close();
      x.callback.succeeded();
    } catch (IOException e) {
      // The client went away.
      x.callback.failed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      x.callback.failed(e);
    } finally {
      count.decrementAndGet();
    }
  }

  private static void write(OutputStream out, Item i) throws IOException {
    out.write(
        ("event: receipt\nid: " + i.seq() + "\ndata: " + i.json() + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    synchronized (written) {
      written.notifyAll();
    }
  }
}
