package lab.loopback.echo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import lab.loopback.measure.ChildLifetime;
import lab.loopback.measure.ChildLine;

/**
 * An echo client of URING-4 in its own JVM, so that the whole client — gRPC's Netty event loop as much as the calling
 * thread — runs where its process was placed ({@code taskset}), which pinning one thread of the workbench's JVM cannot
 * do. {@code uring|grpc PORT MAX_SECONDS}: prints {@link ChildLine.Ready}, then answers each {@link Request} line on
 * stdin with the round trips' {@link EchoStats} line; exits when stdin closes or after {@code MAX_SECONDS}.
 */
public final class EchoClientMain {
    /** One measurement: {@code size}-byte round trips, warm-up first, bounded by count and by {@code seconds}. */
    public record Request(int size, int warmups, int roundTrips, double seconds) {}

    private EchoClientMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[0].equals("uring") || args[0].equals("grpc"))) {
            System.err.println("usage: EchoClientMain uring|grpc PORT MAX_SECONDS");
            System.exit(2);
        }
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        long maxSeconds = Long.parseLong(args[2]);
        ChildLifetime.bound("echo client", maxSeconds, () -> {});
        System.out.println(ChildLine.format(new ChildLine.Ready(mode)));
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Request r = ChildLine.parse(line, Request.class);
                EchoStats s = mode.equals("uring")
                        ? EchoClients.uring(port, r.size(), r.warmups(), r.roundTrips(), r.seconds())
                        : EchoClients.grpc(port, r.size(), r.warmups(), r.roundTrips(), r.seconds());
                System.out.println(ChildLine.format(s));
                System.out.flush();
            }
        }
        // gRPC's shared event loop threads are not daemons: end the JVM when the parent is done
        Runtime.getRuntime().halt(0);
    }
}
