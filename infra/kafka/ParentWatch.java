/*
 * The parent-watch guard: runs a main class (kafka.Kafka, kafka.tools.StorageTool) in this JVM and
 * exits the JVM when its standard input reaches end-of-file. The Node parent holds the other end
 * of that pipe and never writes to it; when the parent dies, however it dies (SIGKILL included),
 * the kernel closes the pipe and this JVM shuts down: no orphan broker.
 *
 * System.exit runs the JVM shutdown hooks, so Kafka shuts down cleanly; if that takes longer than
 * v2x.parentwatch.graceMs (default 10000), the JVM is halted.
 *
 * Usage: java -cp <this folder>:<kafka libs>/* ParentWatch <main class> [args...]
 * Compiled once into the cache by infra/kafka/watchdog.ts (javac --release 8).
 */
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

public final class ParentWatch {
    private ParentWatch() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: ParentWatch <main class> [args...]");
            System.exit(2);
        }
        Thread watcher = new Thread(ParentWatch::watchStdin, "v2x-parent-watch");
        watcher.setDaemon(true);
        watcher.start();

        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchStdin() {
        InputStream in = System.in;
        byte[] buf = new byte[64];
        try {
            while (in.read(buf) >= 0) {
                // The parent never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-file: the parent is gone.
        }
        System.err.println("[v2x-parent-watch] parent process gone (stdin closed): shutting down");
        long graceMs = Long.getLong("v2x.parentwatch.graceMs", 10000L);
        Thread halter = new Thread(() -> {
            try {
                Thread.sleep(graceMs);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("[v2x-parent-watch] shutdown took longer than " + graceMs + " ms: halting");
            Runtime.getRuntime().halt(1);
        }, "v2x-parent-watch-halt");
        halter.setDaemon(true);
        halter.start();
        System.exit(0);
    }
}
