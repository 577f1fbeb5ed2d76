package dev.xpfleet.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A TCP pass-through to a real service that a test can take down and bring back, to show what a
 * component does when its dependency goes away, without stopping the shared service itself. While
 * down, open connections are cut and new ones are closed on arrival. A trap does it at an exact
 * point of a protocol: the first request matching it is held back (never reaches the service) while
 * the trap's action runs, and its connection is cut after.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean up = true;
    private final AtomicReference<Trap> trap = new AtomicReference<>();

    private record Trap(Predicate<String> request, Runnable action) {}

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("tcp-proxy-" + port()).start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Cuts every open connection and refuses new ones until {@link #up()}. */
    public void down() {
        up = false;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    public void up() {
        up = true;
    }

    /**
     * Arms a one-shot trap: the first chunk a client sends that matches {@code request} (read as
     * ISO-8859-1, e.g. a RESP command name) is dropped, {@code action} runs on the proxy's thread,
     * then that connection is cut.
     */
    public void trapOnce(Predicate<String> request, Runnable action) {
        trap.set(new Trap(request, action));
    }

    /** Whether an armed trap is still waiting for its request. */
    public boolean trapArmed() {
        return trap.get() != null;
    }

    @Override
    public void close() {
        down();
        closeQuietly(server);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (!up) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket target = new Socket();
                target.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
                open.add(client);
                open.add(target);
                Thread.ofVirtual().start(() -> pump(client, target, true));
                Thread.ofVirtual().start(() -> pump(target, client, false));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromClient && sprung(new String(buffer, 0, n, StandardCharsets.ISO_8859_1))) {
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private boolean sprung(String request) {
        Trap armed = trap.get();
        if (armed == null || !armed.request().test(request) || !trap.compareAndSet(armed, null)) {
            return false;
        }
        armed.action().run();
        return true;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
