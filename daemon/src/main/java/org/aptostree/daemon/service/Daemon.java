package org.aptostree.daemon.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.BusObjects;
import org.aptostree.daemon.dbus.InterfaceDefinition;
import org.aptostree.daemon.system.DaemonConfig;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.system.SystemStatus;
import org.aptostree.daemon.system.TransactionLock;
import org.aptostree.daemon.transaction.DirectMode;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.Deployer;

/**
 * apt-ostreed: owns {@code org.aptostree.dev} on its bus and exports the daemon ({@code /org/aptostree/dev}), the
 * sysroot, the OS object and the transactions. It starts on any host; on one that is not an OSTree system it
 * answers Ping and its own properties, and every OS method fails with NotOstreeSystem. After a start that finds a
 * transaction its last run never finished (the daemon was killed), it reports that transaction as failed and
 * removes what it left behind before running anything. With nothing queued and no calls for the idle timeout it
 * gives up its name and exits; D-Bus activation starts it again.
 */
public final class Daemon implements BusObjects.BusObject {
    public static final String BUS_NAME = "org.aptostree.dev";
    static final String PATH = "/org/aptostree/dev";
    static final String INTERFACE = "org.aptostree.dev.Daemon";
    static final String VERSION = "apt-ostreed 0.1.0";
    /** The interface file the daemon ships, on the class path. */
    static final String INTERFACE_XML = "/org/aptostree/daemon/dbus/org.aptostree.dev.xml";

    private final Path sysroot;
    private final BusConnection bus;
    private final Map<String, InterfaceDefinition> definitions;
    private final long startedNanos;
    private final ScheduledExecutorService timer;
    private final ExecutorService calls;
    private final BusObjects objects;
    private final Authorization authorization;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile DaemonConfig config;
    private volatile long idleExitSeconds;
    private final boolean idleExitFromCommandLine;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean idleAnnounced;
    private volatile SystemRoot system;
    private volatile String environmentError = "";
    private volatile TransactionQueue queue;
    private volatile StatusSnapshot snapshot;
    private volatile TransactionHistory history = TransactionHistory.inMemory();
    /** The transaction lock of the system's stateroot, which a CLI in direct mode holds while it works. */
    private volatile Path lockFile;
    private SysrootObject sysrootObject;

    private Daemon(Path sysroot, BusConnection bus, Map<String, InterfaceDefinition> definitions, DaemonConfig config,
            Optional<Long> idleExit, long startedNanos) {
        this.sysroot = sysroot;
        this.bus = bus;
        this.definitions = definitions;
        this.config = config;
        this.idleExitFromCommandLine = idleExit.isPresent();
        this.idleExitSeconds = idleExit.orElse(config.idleExitSeconds());
        this.startedNanos = startedNanos;
        this.timer = Executors.newSingleThreadScheduledExecutor(named("timer"));
        this.calls = Executors.newFixedThreadPool(8, named("call"));
        this.objects = new BusObjects(bus, calls, OsRequests.ERROR_PREFIX + "InvalidArgument", () -> {
            lastActivity = System.nanoTime();
            idleAnnounced = false;
        });
        this.authorization = new Authorization(bus);
    }

    /** The interfaces of the shipped XML. */
    static Map<String, InterfaceDefinition> loadDefinitions() throws IOException {
        try (InputStream in = Daemon.class.getResourceAsStream(INTERFACE_XML)) {
            if (in == null) {
                throw new IOException("the interface file " + INTERFACE_XML + " is missing from the class path");
            }
            return InterfaceDefinition.parse(in, "org.aptostree.dev.xml");
        }
    }

    /**
     * Connects, exports the objects, takes the bus name, and looks at the system in the background.
     *
     * @param idleExit {@code --idle-exit}, which wins over the configuration file
     * @throws IOException if the bus cannot be reached or the name is taken
     */
    public static Daemon start(Path sysroot, String busAddress, Optional<Long> idleExit, long startedNanos) throws IOException {
        // Parsing the interface file and connecting to the bus each spend most of their time loading classes (the
        // XML parser's, dbus-java's); side by side, the name is owned sooner.
        CompletableFuture<Map<String, InterfaceDefinition>> definitions = CompletableFuture.supplyAsync(() -> {
            try {
                return loadDefinitions();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        DaemonConfig config;
        try {
            config = DaemonConfig.read(DaemonConfig.file(sysroot));
        } catch (IOException e) {
            DaemonLog.error(e.getMessage() + "; using the defaults");
            config = DaemonConfig.defaults();
        }
        BusConnection bus = BusConnection.open(busAddress);
        Map<String, InterfaceDefinition> defs;
        try {
            defs = definitions.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            bus.close();
            throw e.getCause().getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        Daemon d = new Daemon(sysroot, bus, defs, config, idleExit, startedNanos);
        d.objects.export(PATH, d);
        d.sysrootObject = new SysrootObject(d, defs.get(SysrootObject.INTERFACE));
        d.objects.export(SysrootObject.PATH, d.sysrootObject);
        d.objects.export(OsObject.PATH, new OsObject(d, bus, defs.get(OsObject.INTERFACE)));
        bus.onDisconnect(() -> {
            DaemonLog.critical("the bus closed the connection; exiting");
            Runtime.getRuntime().halt(1);
        });
        long reply;
        try {
            reply = ((Number) bus.callDriver("RequestName", "su", BUS_NAME, new org.freedesktop.dbus.types.UInt32(4))[0]).longValue();
        } catch (BusException e) {
            bus.close();
            throw new IOException("cannot own " + BUS_NAME + ": " + e.getMessage(), e);
        }
        if (reply != 1) {
            bus.close();
            throw new IOException("the bus name " + BUS_NAME + " is owned by another process (RequestName answered " + reply + ")");
        }
        DaemonLog.info(VERSION + " owns " + BUS_NAME + " as " + bus.uniqueName() + " on " + busAddress + ", " + (System.nanoTime() - startedNanos)
                / 1_000_000 + " ms after start; sysroot " + sysroot + "; idle exit "
                + (d.idleExitSeconds == 0 ? "never" : "after " + d.idleExitSeconds + " s"));
        Thread init = new Thread(d::initSystem, "init");
        init.setDaemon(true);
        init.start();
        d.timer.scheduleWithFixedDelay(d::checkIdle, 1, 1, TimeUnit.SECONDS);
        return d;
    }

    /** Opens the system, reads its status and recovers from an interrupted transaction, then serves OS methods. */
    private void initSystem() {
        try {
            openSystem();
        } finally {
            ready.complete(null);
        }
    }

    private synchronized void openSystem() {
        if (system != null) {
            return;
        }
        SystemRoot s;
        try {
            s = SystemRoot.open(sysroot, Optional.empty());
        } catch (TransactionException e) {
            if (!e.getMessage().equals(environmentError)) {
                DaemonLog.warning("not an OSTree system, OS methods will fail with NotOstreeSystem: " + e.getMessage());
            }
            environmentError = e.getMessage();
            return;
        }
        try {
            String osname = s.osname(s.load());
            TransactionHistory h = TransactionHistory.load(s.stateDirectory(osname).resolve("daemon/transactions.json"));
            recover(s, osname, h);
            StatusSnapshot snap = new StatusSnapshot(s);
            snap.refresh();
            history = h;
            snapshot = snap;
            queue = new TransactionQueue(bus, objects, definitions.get(QueuedTransaction.INTERFACE), authorization, s, snap, h, timer,
                    new QueueEvents());
            queue.start();
            lockFile = s.transactionLockFile(osname);
            system = s;
            environmentError = "";
            DaemonLog.info("managing " + sysroot + " (stateroot " + osname + ", " + snap.get(true).deployments().size() + " deployments)");
        } catch (TransactionException e) {
            environmentError = e.getMessage();
            DaemonLog.error("cannot read the system " + sysroot + ": " + e.getMessage());
        }
    }

    /**
     * A transaction the record shows as started and never ended was running when the daemon stopped: it is
     * reported as failed, and its leftovers (the scratch directory, deployments it did not finish) are removed
     * while holding the transaction lock.
     */
    private static void recover(SystemRoot s, String osname, TransactionHistory h) {
        List<TransactionHistory.Entry> unfinished = h.unfinished();
        for (TransactionHistory.Entry e : unfinished) {
            String message = "Interrupted: apt-ostreed stopped while the transaction ran (state " + e.state() + ", " + e.percentage() + "%)";
            DaemonLog.error("Transaction " + e.address() + " failed: " + e.title() + "; " + message + "; initiator uid " + e.uid() + ", pid "
                    + e.pid() + (e.commandLine().isEmpty() ? "" : ": " + e.commandLine()));
            h.record(new TransactionHistory.Entry(e.number(), e.address(), e.title(), "failed", e.uid(), e.pid(), e.commandLine(), message,
                    e.percentage(), TransactionQueue.failure("Failed", message, ""), e.started(), System.currentTimeMillis() / 1000));
        }
        if (unfinished.isEmpty()) {
            return;
        }
        try {
            TransactionLock.Attempt attempt = TransactionLock.tryAcquire(s.transactionLockFile(osname), "recovery");
            if (attempt.lock().isEmpty()) {
                DaemonLog.warning("leftovers of the interrupted transaction are left for later: " + attempt.holder().map(Object::toString)
                        .orElse("another process") + " holds the transaction lock");
                return;
            }
            try (TransactionLock lock = attempt.lock().get()) {
                DirectMode.removeScratch(s);
                Optional<Deployer> deployer = Deployer.tryLock(s.path());
                if (deployer.isEmpty()) {
                    DaemonLog.warning("unfinished deployments are left for later: another process holds the sysroot lock");
                    return;
                }
                try (Deployer d = deployer.get()) {
                    d.cleanup();
                }
                DaemonLog.info("removed the leftovers of the interrupted transaction (scratch space, unfinished deployments, unreferenced objects)");
            }
        } catch (IOException | OstreeFormatException | TransactionException e) {
            DaemonLog.error("cannot remove the leftovers of the interrupted transaction: " + e.getMessage());
        }
    }

    /** The system, for OS methods: NotOstreeSystem (with the design note's text) when it is not one. */
    SystemRoot system() throws BusException {
        awaitReady();
        if (system == null) {
            openSystem();
        }
        SystemRoot s = system;
        if (s == null) {
            throw new BusException(OsRequests.ERROR_PREFIX + "NotOstreeSystem", environmentError);
        }
        return s;
    }

    private void awaitReady() {
        try {
            ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    TransactionQueue queue() {
        return queue;
    }

    Authorization authorization() {
        return authorization;
    }

    /** The automatic update policy, as {@code status} shows it; the configuration's when this is no OSTree system. */
    String policy() {
        try {
            return currentStatus().automaticUpdates().policy();
        } catch (BusException e) {
            return config.automaticUpdatePolicy();
        }
    }

    Path sysrootPath() {
        return sysroot;
    }

    /** The status snapshot, with the transaction holding the system now (the daemon's own, or a direct-mode CLI's). */
    SystemStatus currentStatus() throws BusException {
        system();
        TransactionQueue q = queue;
        try {
            return withTransaction(snapshot.get(q != null && q.running().isPresent()));
        } catch (TransactionException e) {
            throw OsObject.error(e);
        }
    }

    /** {@code status} as it is now, with the daemon's running transaction or the lock's holder as the transaction. */
    SystemStatus withTransaction(SystemStatus s) {
        TransactionQueue q = queue;
        Optional<QueuedTransaction> running = q == null ? Optional.empty() : q.running();
        Optional<TransactionLock.Holder> holder;
        if (running.isPresent()) {
            holder = Optional.of(new TransactionLock.Holder(running.get().title(), ProcessHandle.current().pid()));
        } else {
            try {
                Path lock = lockFile;
                holder = lock == null ? Optional.empty() : TransactionLock.holder(lock);
            } catch (IOException e) {
                holder = Optional.empty();
            }
        }
        return new SystemStatus(s.deployments(), holder, s.automaticUpdates());
    }

    /** Reads the sysroot again (Sysroot.Reload). */
    void reload() throws BusException {
        system();
        try {
            snapshot.refresh();
        } catch (TransactionException e) {
            throw OsObject.error(e);
        }
        emitSysrootChanged();
    }

    /** Reads apt-ostreed.conf again (Sysroot.ReloadConfig). */
    void reloadConfig() throws BusException {
        try {
            config = DaemonConfig.read(DaemonConfig.file(sysroot));
        } catch (IOException e) {
            throw new BusException(OsRequests.ERROR_PREFIX + "Failed", e.getMessage());
        }
        if (!idleExitFromCommandLine) {
            idleExitSeconds = config.idleExitSeconds();
        }
        DaemonLog.info("configuration read again: idle exit " + idleExitSeconds + " s, automatic update policy " + config.automaticUpdatePolicy());
        emitSysrootChanged();
    }

    BusConnection bus() {
        return bus;
    }

    private void emitSysrootChanged() {
        try {
            objects.propertiesChanged(SysrootObject.PATH, SysrootObject.INTERFACE, List.of("Deployments", "ActiveTransaction",
                    "AutomaticUpdatePolicy", "Booted"));
        } catch (IOException e) {
            DaemonLog.warning("cannot send PropertiesChanged: " + e.getMessage());
        }
    }

    private final class QueueEvents implements TransactionQueue.Events {
        @Override
        public void started(QueuedTransaction t) {
            try {
                objects.propertiesChanged(SysrootObject.PATH, SysrootObject.INTERFACE, List.of("ActiveTransaction"));
            } catch (IOException e) {
                DaemonLog.warning("cannot send PropertiesChanged: " + e.getMessage());
            }
        }

        @Override
        public void ended(QueuedTransaction t) {
            emitSysrootChanged();
            try {
                objects.propertiesChanged(PATH, INTERFACE, List.of("Transactions"));
            } catch (IOException e) {
                DaemonLog.warning("cannot send PropertiesChanged: " + e.getMessage());
            }
            lastActivity = System.nanoTime();
            idleAnnounced = false;
        }

        @Override
        public void queueChanged() {
            try {
                objects.propertiesChanged(PATH, INTERFACE, List.of("Queue"));
            } catch (IOException e) {
                DaemonLog.warning("cannot send PropertiesChanged: " + e.getMessage());
            }
        }
    }

    private void checkIdle() {
        long timeout = idleExitSeconds;
        TransactionQueue q = queue;
        if (timeout <= 0 || q != null && q.busy()) {
            return;
        }
        long idle = (System.nanoTime() - lastActivity) / 1_000_000_000L;
        if (!idleAnnounced) {
            idleAnnounced = true;
            DaemonLog.info("In idle state; will auto-exit in " + Math.max(0, timeout - idle) + " seconds");
        }
        if (idle >= timeout) {
            exitIdle();
        }
    }

    private void exitIdle() {
        DaemonLog.info("Exiting after " + idleExitSeconds + " s without transactions or calls");
        try {
            bus.callDriver("ReleaseName", "s", BUS_NAME);
        } catch (BusException | IOException e) {
            DaemonLog.warning("cannot release " + BUS_NAME + ": " + e.getMessage());
        }
        // Calls that arrived before the name went are answered; later ones start a new daemon by activation.
        calls.shutdown();
        try {
            calls.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bus.onDisconnect(() -> { });
        bus.close();
        System.exit(0);
    }

    @Override
    public List<InterfaceDefinition> interfaces() {
        return List.of(definitions.get(INTERFACE));
    }

    @Override
    public boolean isQuick(String member) {
        return member.equals("Ping");
    }

    @Override
    public Object[] invoke(BusObjects.Call call) throws BusException {
        if (call.method().name().equals("Ping")) {
            return new Object[] {"pong"};
        }
        throw new BusException(BusException.UNKNOWN_METHOD, "No method " + call.method().name());
    }

    @Override
    public Object property(String iface, String name) throws BusException {
        return switch (name) {
            case "Version" -> VERSION;
            case "Uptime" -> (System.nanoTime() - startedNanos) / 1_000_000_000L;
            case "Sysroot" -> sysroot.toString();
            case "OstreeSystem" -> system != null;
            case "EnvironmentError" -> environmentError;
            case "IdleExitTimeout" -> idleExitSeconds;
            case "Queue" -> queue == null ? List.of() : queue.queue().stream().map(QueuedTransaction::address).toList();
            case "Transactions" -> {
                List<Map<String, Object>> out = new ArrayList<>();
                for (TransactionHistory.Entry e : history.entries()) {
                    out.add(QueuedTransaction.describe(e));
                }
                yield out;
            }
            default -> throw new BusException(BusException.UNKNOWN_PROPERTY, "No property " + name);
        };
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
