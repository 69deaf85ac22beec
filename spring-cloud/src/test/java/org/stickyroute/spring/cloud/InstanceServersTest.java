package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;

/** The instance-to-server rule as the docs state it. */
class InstanceServersTest {
  @Test
  void nameIsTheInstanceIdElseHostAndPort() {
    assertEquals("pod-1", InstanceServers.serverName(new DefaultServiceInstance("pod-1", "s", "10.0.0.1", 80, false)));
    assertEquals("10.0.0.1:80", InstanceServers.serverName(new DefaultServiceInstance(null, "s", "10.0.0.1", 80, false)));
    assertEquals("[::1]:80", InstanceServers.serverName(new DefaultServiceInstance("", "s", "::1", 80, false)));
  }

  @Test
  void derivedIdIsOnePlusCrc32ModTwoToTheTwentyMinusOne() {
    // zlib.crc32(b"docker-0") = 0x7181A7C0; 1 + 0x7181A7C0 % 1048575 = 110297
    assertEquals(110297, InstanceServers.derivedId("docker-0"));
    assertEquals(280038, InstanceServers.derivedId("123456789"), "CRC-32 check value 0xCBF43926");
  }

  @Test
  void weightComesFromTheWeightMetadata() {
    DefaultServiceInstance i = new DefaultServiceInstance("p", "s", "h", 1, false, Map.of("weight", "7"));
    assertEquals(7, DiscoveredBackend.weight(i));
    assertEquals(1, DiscoveredBackend.weight(new DefaultServiceInstance("p", "s", "h", 1, false, Map.of("weight", "x"))));
    assertEquals(1, DiscoveredBackend.weight(new DefaultServiceInstance("p", "s", "h", 1, false, Map.of("weight", "999"))));
  }
}
