package lab.loopback.ipc;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A pass-through gRPC marshaller for raw byte arrays: what is measured is HTTP/2 framing and threading, not a codec. */
public final class GrpcBytes {
    /** Messages up to this size pass (gRPC's default limit is 4 MiB). */
    public static final int MAX_MESSAGE = 16 << 20;

    public static final MethodDescriptor.Marshaller<byte[]> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private GrpcBytes() {}
}
