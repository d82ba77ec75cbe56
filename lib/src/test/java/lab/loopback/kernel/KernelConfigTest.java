package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KernelConfigTest {
    @Test
    void setUnsetAndAbsentOptionsAreToldApart() throws IOException {
        KernelConfig c = KernelConfig.parse(
                new ByteArrayInputStream("CONFIG_NET_SCH_TBF=y\n# CONFIG_NET_VRF is not set\nCONFIG_INET_ESP=m\n"
                        .getBytes(StandardCharsets.UTF_8)),
                "test");
        assertEquals("CONFIG_NET_SCH_TBF=y (test)", c.describe("CONFIG_NET_SCH_TBF"));
        assertEquals("CONFIG_NET_VRF is not set (test)", c.describe("CONFIG_NET_VRF"));
        assertEquals("CONFIG_INET_ESP=m (test)", c.describe("CONFIG_INET_ESP"));
        assertEquals("CONFIG_NET_SCH_FQ does not appear in test", c.describe("CONFIG_NET_SCH_FQ"));
    }
}
