package lab.loopback.ipc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * gRPC (grpc-java over Netty, plaintext HTTP/2 to 127.0.0.1) as a byte stream: one bidirectional-streaming call
 * {@code lab.Pipe/Stream} per connection, each write one message of raw bytes. Handlers run on the transport's
 * own threads (directExecutor: nothing in them blocks), and inbound flow control is manual, so a slow reader
 * holds the writer back as a socket's window would. The bind spec is a port on 127.0.0.1 ("" = any).
 */
public final class GrpcStreams implements StreamTransport {
    public static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("lab.Pipe", "Stream"))
            .setRequestMarshaller(GrpcBytes.MARSHALLER)
            .setResponseMarshaller(GrpcBytes.MARSHALLER)
            .build();

    @Override
    public String id() {
        return "grpc";
    }

    @Override
    public Listener listen(String bindSpec) {
        int port = bindSpec == null || bindSpec.isBlank() ? 0 : TcpLoopback.parsePort(bindSpec);
        BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        ServerServiceDefinition service = ServerServiceDefinition.builder("lab.Pipe")
                .addMethod(STREAM, ServerCalls.asyncBidiStreamingCall((StreamObserver<byte[]> responses) -> {
                    GrpcConnection c = new GrpcConnection((ServerCallStreamObserver<byte[]>) responses, null);
                    accepted.add(c);
                    return c.inbound();
                }))
                .build();
        Server server;
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .directExecutor()
                    .maxInboundMessageSize(GrpcBytes.MAX_MESSAGE)
                    .addService(service)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("grpc: cannot listen on 127.0.0.1:" + port, e);
        }
        int bound = ((InetSocketAddress) server.getListenSockets().getFirst()).getPort();
        return new Listener() {
            @Override
            public String address() {
                return "127.0.0.1:" + bound;
            }

            @Override
            public Connection accept() {
                try {
                    return accepted.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("grpc: interrupted while waiting for a call", e);
                }
            }

            @Override
            public void close() {
                server.shutdownNow();
                try {
                    server.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Override
    public Connection connect(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0 || !address.startsWith("127."))
            throw new IllegalArgumentException("grpc connects only to 127.0.0.0/8 HOST:PORT, got '" + address + "'");
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        address.substring(0, colon), TcpLoopback.parsePort(address.substring(colon + 1)))
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(GrpcBytes.MAX_MESSAGE)
                .build();
        try {
            GrpcConnection[] made = new GrpcConnection[1];
            ClientResponseObserver<byte[], byte[]> responses = new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<byte[]> requests) {
                    made[0] = new GrpcConnection(requests, channel);
                }

                @Override
                public void onNext(byte[] value) {
                    made[0].inbound().onNext(value);
                }

                @Override
                public void onError(Throwable t) {
                    made[0].inbound().onError(t);
                }

                @Override
                public void onCompleted() {
                    made[0].inbound().onCompleted();
                }
            };
            ClientCalls.asyncBidiStreamingCall(channel.newCall(STREAM, CallOptions.DEFAULT), responses);
            return made[0];
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }
}
