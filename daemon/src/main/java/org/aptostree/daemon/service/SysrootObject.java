package org.aptostree.daemon.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.BusObjects;
import org.aptostree.daemon.dbus.InterfaceDefinition;
import org.aptostree.daemon.system.DeploymentStatus;
import org.aptostree.daemon.system.StatusJson;
import org.aptostree.daemon.system.SystemStatus;

/**
 * {@code /org/aptostree/dev/Sysroot}: the system as properties (from the status snapshot, so they never wait for
 * a transaction), and Reload/ReloadConfig.
 */
final class SysrootObject implements BusObjects.BusObject {
    static final String PATH = "/org/aptostree/dev/Sysroot";
    static final String INTERFACE = "org.aptostree.dev.Sysroot";

    private final Daemon daemon;
    private final InterfaceDefinition definition;

    SysrootObject(Daemon daemon, InterfaceDefinition definition) {
        this.daemon = daemon;
        this.definition = definition;
    }

    @Override
    public List<InterfaceDefinition> interfaces() {
        return List.of(definition);
    }

    @Override
    public Object[] invoke(BusObjects.Call call) throws BusException {
        Caller caller;
        try {
            caller = Caller.lookup(daemon.bus(), call.sender());
        } catch (java.io.IOException e) {
            throw new BusException(OsRequests.ERROR_PREFIX + "Failed", "cannot ask the bus who is calling: " + e.getMessage());
        }
        daemon.authorization().check(caller, List.of("reload-daemon"));
        switch (call.method().name()) {
            case "Reload" -> daemon.reload();
            case "ReloadConfig" -> daemon.reloadConfig();
            default -> throw new BusException(BusException.UNKNOWN_METHOD, "No method " + call.method().name());
        }
        return new Object[0];
    }

    @Override
    public Object property(String iface, String name) throws BusException {
        if (name.equals("Path")) {
            return daemon.sysrootPath().toString();
        }
        if (name.equals("AutomaticUpdatePolicy")) {
            return daemon.policy();
        }
        Optional<SystemStatus> status = Optional.empty();
        try {
            status = Optional.of(daemon.currentStatus());
        } catch (BusException e) {
            // Not an OSTree system: no deployments, nothing booted, no transaction.
        }
        return switch (name) {
            case "Booted" -> status.flatMap(SystemStatus::booted).isPresent() ? OsObject.PATH : "/";
            case "Deployments" -> {
                List<Map<String, Object>> out = new ArrayList<>();
                for (DeploymentStatus d : status.map(SystemStatus::deployments).orElse(List.of())) {
                    out.add(StatusJson.deployment(d));
                }
                yield out;
            }
            case "ActiveTransaction" -> {
                Optional<QueuedTransaction> t = status.isEmpty() ? Optional.empty() : daemon.queue().running();
                yield t.map(x -> List.of(x.title(), x.callerBusName(), x.address())).orElse(List.of("", "", ""));
            }
            default -> throw new BusException(BusException.UNKNOWN_PROPERTY, "No property " + name);
        };
    }
}
