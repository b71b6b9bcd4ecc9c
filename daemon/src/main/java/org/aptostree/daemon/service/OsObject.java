package org.aptostree.daemon.service;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.BusObjects;
import org.aptostree.daemon.dbus.InterfaceDefinition;
import org.aptostree.daemon.system.DiffOutput;
import org.aptostree.daemon.system.PackageDiff;
import org.aptostree.daemon.system.PackageQueries;
import org.aptostree.daemon.system.StatusOutput;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.system.SystemStatus;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * {@code /org/aptostree/dev/OS}: the operations. A mutating method is checked ({@link OsRequests}), authorized
 * with polkit, queued, and answered with the transaction's address at once; a read-only one is answered from the
 * status snapshot or the repository, never waiting for a transaction.
 */
final class OsObject implements BusObjects.BusObject {
    static final String PATH = "/org/aptostree/dev/OS";
    static final String INTERFACE = "org.aptostree.dev.OS";

    private static final Map<String, String> STATUS_OPTIONS = Map.of("os", "s", "json", "b", "verbose", "b", "booted", "b");
    private static final Map<String, String> LIST_OPTIONS = Map.of("os", "s", "revision", "s", "patterns", "as");
    private static final Map<String, String> OS_ONLY = Map.of("os", "s");
    private static final Map<String, String> DIFF_OPTIONS = Map.of("os", "s", "format", "s");
    private static final Map<String, String> KARGS_OPTIONS = Map.of("os", "s", "deploy-index", "i");

    private final Daemon daemon;
    private final BusConnection bus;
    private final InterfaceDefinition definition;

    OsObject(Daemon daemon, BusConnection bus, InterfaceDefinition definition) {
        this.daemon = daemon;
        this.bus = bus;
        this.definition = definition;
    }

    @Override
    public List<InterfaceDefinition> interfaces() {
        return List.of(definition);
    }

    @Override
    public Object property(String iface, String name) throws BusException {
        throw new BusException(BusException.UNKNOWN_PROPERTY, "No property " + name);
    }

    @Override
    public Object[] invoke(BusObjects.Call call) throws BusException {
        String method = call.method().name();
        SystemRoot system = daemon.system();
        Object[] a = call.args();
        try {
            if (OsRequests.isMutating(method)) {
                return new Object[] {submit(call, system)};
            }
            return switch (method) {
                case "show_status" -> {
                    CallOptions o = CallOptions.check(method, call.argName(0), a[0], STATUS_OPTIONS);
                    Optional<String> os = o.nonEmptyString("os");
                    SystemStatus status = os.isPresent() ? daemon.withTransaction(SystemStatus.read(open(system, os)))
                            : daemon.currentStatus();
                    yield new Object[] {StatusOutput.render(status, o.flag("json"), o.flag("verbose"), o.flag("booted"))};
                }
                case "list_packages" -> {
                    CallOptions o = CallOptions.check(method, call.argName(0), a[0], LIST_OPTIONS);
                    yield new Object[] {new PackageQueries(open(system, o.nonEmptyString("os"))).list(o.nonEmptyString("revision"),
                            o.strings("patterns"))};
                }
                case "search_packages" -> {
                    CallOptions o = CallOptions.check(method, call.argName(1), a[1], OS_ONLY);
                    List<String> words = List.of(((String) a[0]).strip().split("\\s+"));
                    if (((String) a[0]).isBlank()) {
                        throw OsRequests.invalid(method + ": argument 'query' is empty");
                    }
                    yield new Object[] {new PackageQueries(open(system, o.nonEmptyString("os"))).search(words, false)};
                }
                case "show_package_info" -> {
                    String name = (String) a[0];
                    OsRequests.checkedNames(method, call.argName(0), List.of(name), false);
                    yield new Object[] {new PackageQueries(system).info(name, false)};
                }
                case "db_diff" -> {
                    CallOptions o = CallOptions.check(method, call.argName(2), a[2], DIFF_OPTIONS);
                    String format = o.string("format").orElse("block");
                    PackageDiff diff = new PackageQueries(open(system, o.nonEmptyString("os"))).diff(revision((String) a[0]),
                            revision((String) a[1]));
                    try {
                        yield new Object[] {DiffOutput.render(diff, format)};
                    } catch (IllegalArgumentException e) {
                        throw OsRequests.invalid(method + ": argument 'options': 'format': " + e.getMessage());
                    }
                }
                case "show_kernel_args" -> {
                    CallOptions o = CallOptions.check(method, call.argName(0), a[0], KARGS_OPTIONS);
                    SystemRoot s = open(system, o.nonEmptyString("os"));
                    Sysroot sysroot = s.load();
                    Optional<Integer> index = o.integer("deploy-index");
                    if (index.isPresent() && (index.get() < 0 || index.get() >= sysroot.deployments().size())) {
                        throw OsRequests.invalid(method + ": argument 'options': 'deploy-index' " + index.get() + " is out of range (there are "
                                + sysroot.deployments().size() + " deployments)");
                    }
                    Deployment d = index.isPresent() ? sysroot.deployments().get(index.get()) : s.mergeDeployment(sysroot);
                    yield new Object[] {d.kernelArgs().toString()};
                }
                case "cancel" -> {
                    CallOptions.check(method, call.argName(1), a[1], Map.of());
                    String address = (String) a[0];
                    QueuedTransaction t;
                    if (address.isEmpty()) {
                        t = daemon.queue().running().or(() -> daemon.queue().queue().stream().findFirst())
                                .orElseThrow(() -> OsRequests.invalid(method + ": argument 'transaction_address': no transaction is running"));
                    } else {
                        t = daemon.queue().find(address).orElseThrow(() -> OsRequests.invalid(method + ": argument 'transaction_address': no "
                                + "transaction at '" + address + "'"));
                    }
                    daemon.queue().cancel(t, call.sender());
                    yield new Object[] {t.address()};
                }
                default -> throw new BusException(BusException.UNKNOWN_METHOD, "No method " + method);
            };
        } catch (TransactionException e) {
            throw error(e);
        }
    }

    private String submit(BusObjects.Call call, SystemRoot system) throws BusException, TransactionException {
        OsRequests.Request request = OsRequests.parse(call, system);
        try {
            if (request.os().isPresent()) {
                SystemRoot s = open(system, request.os());
                s.osname(s.load());
            }
            Caller caller;
            try {
                caller = Caller.lookup(bus, call.sender());
            } catch (IOException e) {
                throw new BusException(OsRequests.ERROR_PREFIX + "Failed", "cannot ask the bus who is calling: " + e.getMessage());
            }
            daemon.authorization().check(caller, request.actions());
            QueuedTransaction t = daemon.queue().submit(request, caller);
            call.afterReply(() -> daemon.queue().enqueue(t));
            return t.address();
        } catch (BusException | TransactionException | RuntimeException e) {
            OsRequests.deleteQuietly(request.localFiles());
            throw e;
        }
    }

    private static Optional<String> revision(String r) {
        return r.isEmpty() ? Optional.empty() : Optional.of(r);
    }

    private static SystemRoot open(SystemRoot system, Optional<String> os) throws TransactionException {
        return os.isEmpty() ? system : SystemRoot.open(system.path(), os);
    }

    /** An engine error as the D-Bus error of its kind, one line. */
    static BusException error(TransactionException e) {
        return new BusException(OsRequests.ERROR_PREFIX + e.kind().dbusName(), e.getMessage());
    }
}
