package lab.loopback.echo;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import lab.loopback.ipc.GrpcBytes;

/**
 * A gRPC echo service with no protobuf: one unary method {@code lab.Echo/Echo} whose messages are raw byte
 * arrays ({@link GrpcBytes}).
 */
public final class GrpcEcho {
    /** Messages up to this size pass (gRPC's default limit is 4 MiB). */
    public static final int MAX_MESSAGE = GrpcBytes.MAX_MESSAGE;

    public static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("lab.Echo", "Echo"))
            .setRequestMarshaller(GrpcBytes.MARSHALLER)
            .setResponseMarshaller(GrpcBytes.MARSHALLER)
            .build();

    private GrpcEcho() {}

    public static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("lab.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .build();
    }
}
