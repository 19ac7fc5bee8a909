package dev.proctor.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes connections that take too long to send a request's head (slowloris). Jetty's idle timeout
 * only counts silence, so a client that sends a byte every few seconds would keep a connection —
 * and a thread's worth of memory — forever; this watch gives every connection {@code headerTimeout}
 * from opening, or from the end of its previous request, to have its next request under way. A
 * request under way (its body, an SSE stream) is not timed here: Jetty's minimum data rate and idle
 * timeout bound it.
 */
final class ConnectionWatch extends AbstractLifeCycle implements Connection.Listener {

  private final long headerTimeoutNanos;
  private final Map<Connection, State> connections = new ConcurrentHashMap<>();
  private ScheduledExecutorService sweeper;

  private static final class State {
    volatile long since = System.nanoTime();
    volatile int inFlight;
  }

  ConnectionWatch(Duration headerTimeout) {
    this.headerTimeoutNanos = headerTimeout.toNanos();
  }

  @Override
  protected void doStart() {
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "proctor-connection-watch");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(50, TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) / 8);
    sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doStop() {
    sweeper.shutdownNow();
  }

  @Override
  public void onOpened(Connection connection) {
    connections.put(connection, new State());
  }

  @Override
  public void onClosed(Connection connection) {
    connections.remove(connection);
  }

  /** A request on the connection has begun (its head is complete). */
  void begin(Connection connection) {
    State s = connections.get(connection);
    if (s != null) {
      synchronized (s) {
        s.inFlight++;
      }
    }
  }

  /** A request on the connection has ended. */
  void end(Connection connection) {
    State s = connections.get(connection);
    if (s != null) {
      synchronized (s) {
        s.inFlight = Math.max(0, s.inFlight - 1);
        s.since = System.nanoTime();
      }
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<Connection, State> e : connections.entrySet()) {
      State s = e.getValue();
      if (s.inFlight == 0 && now - s.since > headerTimeoutNanos) {
        connections.remove(e.getKey());
        e.getKey().getEndPoint().close();
      }
    }
  }
}
