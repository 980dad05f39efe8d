package dev.cryo.tests;

/** {@link TcpConnectionsIT} over IPv6 (::1). */
class TcpConnections6IT extends TcpConnectionsIT {
    @Override
    String family() {
        return "6";
    }
}
