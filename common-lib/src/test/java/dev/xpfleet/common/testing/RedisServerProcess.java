package dev.xpfleet.common.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A redis-server of the test's own (append-only file on, in a directory of the test), so a test can
 * kill it by its pid and start it again on the same port without touching the machine's Redis.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final String server;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServerProcess(String server, Path dir, int port) {
        this.server = server;
        this.dir = dir;
        this.port = port;
    }

    /** The redis-server binary on PATH, or null when there is none. */
    public static String binary() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElse(null);
    }

    public static RedisServerProcess start(Path dir) throws IOException {
        String server = binary();
        if (server == null) {
            throw new IllegalStateException("redis-server is not on PATH");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisServerProcess redis = new RedisServerProcess(server, dir, port);
        redis.start();
        return redis;
    }

    public int port() {
        return port;
    }

    /** Starts the server again (after {@link #kill()}), waiting until it accepts connections. */
    public synchronized void start() throws IOException {
        process = new ProcessBuilder(
                        server,
                        "--port",
                        String.valueOf(port),
                        "--bind",
                        "127.0.0.1",
                        "--appendonly",
                        "yes",
                        "--save",
                        "",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("redis.log").toFile()))
                .start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return socket.isConnected();
            }
        });
    }

    /** SIGKILL to this server's own pid, waiting until it is gone. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** {@link #kill()} then {@link #start()}, for tests that only need "Redis restarted". */
    public void restart() throws IOException, InterruptedException {
        kill();
        start();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
