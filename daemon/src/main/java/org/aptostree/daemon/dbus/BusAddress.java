package org.aptostree.daemon.dbus;

import java.util.Map;
import java.util.Optional;

/**
 * Which bus to connect to: {@code system} (the {@code DBUS_SYSTEM_BUS_ADDRESS} environment variable, else the
 * well-known socket), {@code session} ({@code DBUS_SESSION_BUS_ADDRESS}), or an address such as
 * {@code unix:path=/run/x/bus}.
 */
public final class BusAddress {
    /** Where the system bus listens when the environment does not say otherwise (the D-Bus specification's). */
    public static final String DEFAULT_SYSTEM = "unix:path=/var/run/dbus/system_bus_socket";

    private BusAddress() {
    }

    /** The address {@code bus} names, in {@code environment}. */
    public static String resolve(String bus, Map<String, String> environment) {
        return switch (bus) {
            case "system" -> Optional.ofNullable(environment.get("DBUS_SYSTEM_BUS_ADDRESS")).filter(s -> !s.isBlank())
                    .orElse(DEFAULT_SYSTEM);
            case "session" -> Optional.ofNullable(environment.get("DBUS_SESSION_BUS_ADDRESS")).filter(s -> !s.isBlank())
                    .orElseThrow(() -> new IllegalArgumentException("--bus=session: DBUS_SESSION_BUS_ADDRESS is not set"));
            default -> {
                if (!bus.contains(":")) {
                    throw new IllegalArgumentException("--bus: expected system, session or a D-Bus address (unix:path=...), not '"
                            + bus + "'");
                }
                yield bus;
            }
        };
    }

    /**
     * The bus a process started by D-Bus activation was started for ({@code DBUS_STARTER_ADDRESS}), else the
     * system bus.
     */
    public static String systemOrStarter(Map<String, String> environment) {
        String starter = environment.get("DBUS_STARTER_ADDRESS");
        if (starter != null && !starter.isBlank() && "system".equals(environment.get("DBUS_STARTER_BUS_TYPE"))) {
            return starter;
        }
        return resolve("system", environment);
    }
}
