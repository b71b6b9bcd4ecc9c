package org.aptostree.daemon.dbus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.Variant;

/**
 * The objects a connection exports, and the standard interfaces every one of them has: introspection (the
 * interfaces' own XML, with argument names, and the child nodes, so {@code busctl tree} walks every object),
 * {@code Peer}, and {@code Properties} (Get, GetAll, and PropertiesChanged). A call to one of an object's own
 * interfaces is checked against the interface's definition first: a wrong signature is refused naming the first
 * argument that does not fit, and never reaches the object.
 */
public final class BusObjects {
    public static final String INTROSPECTABLE = "org.freedesktop.DBus.Introspectable";
    public static final String PEER = "org.freedesktop.DBus.Peer";
    public static final String PROPERTIES = "org.freedesktop.DBus.Properties";
    private static final String FAILED = "org.freedesktop.DBus.Error.Failed";

    private static final String DOCTYPE = "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
            + " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n";

    /** The standard interfaces as the specification describes them, for introspection. */
    private static final String STANDARD_XML = "<node>"
            + "<interface name=\"" + INTROSPECTABLE + "\"><method name=\"Introspect\"><arg name=\"xml_data\" type=\"s\" direction=\"out\"/>"
            + "</method></interface>"
            + "<interface name=\"" + PEER + "\"><method name=\"Ping\"/><method name=\"GetMachineId\">"
            + "<arg name=\"machine_uuid\" type=\"s\" direction=\"out\"/></method></interface>"
            + "<interface name=\"" + PROPERTIES + "\"><method name=\"Get\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
            + "<arg name=\"property_name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"out\"/></method>"
            + "<method name=\"GetAll\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
            + "<arg name=\"properties\" type=\"a{sv}\" direction=\"out\"/></method>"
            + "<method name=\"Set\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/><arg name=\"property_name\" type=\"s\" direction=\"in\"/>"
            + "<arg name=\"value\" type=\"v\" direction=\"in\"/></method>"
            + "<signal name=\"PropertiesChanged\"><arg name=\"interface_name\" type=\"s\"/><arg name=\"changed_properties\" type=\"a{sv}\"/>"
            + "<arg name=\"invalidated_properties\" type=\"as\"/></signal></interface></node>";

    private static final Map<String, InterfaceDefinition> STANDARD;

    static {
        try {
            STANDARD = InterfaceDefinition.parse(new ByteArrayInputStream(STANDARD_XML.getBytes(StandardCharsets.UTF_8)), "standard interfaces");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A method call to one of an object's interfaces, its arguments checked against the definition; what the
     * object wants done once the caller has its reply (signals the caller could only match after it) goes in
     * {@code afterReply}.
     */
    public record Call(MethodCall message, String sender, InterfaceDefinition iface, InterfaceDefinition.Member method, Object[] args,
            List<Runnable> afterReply) {
        /** The name the definition gives argument {@code index}. */
        public String argName(int index) {
            return method.in().get(index).name();
        }

        /** Runs {@code r} after the reply is sent (and only if it is a reply, not an error). */
        public void afterReply(Runnable r) {
            afterReply.add(r);
        }
    }

    /** An exported object: its interfaces, and what it does with their methods and properties. */
    public interface BusObject {
        List<InterfaceDefinition> interfaces();

        /** Runs a method; returns its out values, in the order and types of the definition. */
        Object[] invoke(Call call) throws BusException;

        /** The current value of a property of one of its interfaces (a plain value of the property's type). */
        Object property(String iface, String name) throws BusException;

        /**
         * Whether a method answers at once without waiting for anything (no bus call, no lock, no disk), so that it
         * may run on the reading thread and spare the hand-over to another.
         */
        default boolean isQuick(String member) {
            return false;
        }
    }

    private final BusConnection bus;
    private final Executor executor;
    private final String invalidArgumentError;
    private final Runnable onCall;
    private final Map<String, BusObject> objects = new ConcurrentSkipListMap<>();

    /**
     * @param invalidArgumentError the error name for a call of one of the objects' interfaces with arguments of
     *                             the wrong types
     * @param onCall               told of every call as it arrives (the daemon's idle timer)
     */
    public BusObjects(BusConnection bus, Executor executor, String invalidArgumentError, Runnable onCall) {
        this.bus = bus;
        this.executor = executor;
        this.invalidArgumentError = invalidArgumentError;
        this.onCall = onCall;
        bus.onMethodCall(this::dispatch);
    }

    public void export(String path, BusObject object) {
        objects.put(path, object);
    }

    public void unexport(String path) {
        objects.remove(path);
    }

    public boolean isExported(String path) {
        return objects.containsKey(path);
    }

    /** Emits {@code PropertiesChanged} for the named properties of {@code iface}, with their current values. */
    public void propertiesChanged(String path, String iface, List<String> names) throws IOException {
        BusObject o = objects.get(path);
        if (o == null) {
            return;
        }
        InterfaceDefinition def = o.interfaces().stream().filter(i -> i.name().equals(iface)).findFirst().orElseThrow();
        Map<String, Variant<?>> changed = new LinkedHashMap<>();
        for (String n : names) {
            InterfaceDefinition.Property p = def.property(n).orElseThrow(() -> new IllegalArgumentException("no property " + n));
            try {
                changed.put(n, Values.variant(o.property(iface, n), p.type()));
            } catch (BusException e) {
                // A property that cannot be read now is left out; a Get will say why.
            }
        }
        bus.signal(path, PROPERTIES, "PropertiesChanged", "sa{sv}as", iface, changed, List.of());
    }

    private void dispatch(MethodCall call) {
        onCall.run();
        String iface = call.getInterface();
        BusObject o = objects.get(call.getPath());
        if (INTROSPECTABLE.equals(iface) || PEER.equals(iface) || o != null && !PROPERTIES.equals(iface) && o.isQuick(call.getName())) {
            answer(call);
            return;
        }
        try {
            executor.execute(() -> answer(call));
        } catch (RejectedExecutionException e) {
            // Shutting down: the caller gets no reply, as from a daemon that has gone.
        }
    }

    private void answer(MethodCall call) {
        try {
            List<Runnable> after = new ArrayList<>();
            Reply r;
            try {
                r = handle(call, after);
            } catch (BusException e) {
                bus.replyError(call, e.name(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                bus.replyError(call, FAILED, "internal error: " + e);
                return;
            }
            try {
                bus.reply(call, r.signature(), r.values());
            } catch (IllegalArgumentException e) {
                bus.replyError(call, FAILED, "internal error: the reply cannot be sent: " + e.getMessage());
                return;
            }
            after.forEach(Runnable::run);
        } catch (IOException e) {
            // The bus is gone; there is nobody to answer.
        }
    }

    private record Reply(String signature, Object[] values) {
    }

    private Reply handle(MethodCall call, List<Runnable> after) throws BusException {
        String path = call.getPath();
        String iface = call.getInterface();
        String member = call.getName();
        if (INTROSPECTABLE.equals(iface) || iface == null && member.equals("Introspect")) {
            return new Reply("s", new Object[] {introspect(path)});
        }
        if (PEER.equals(iface)) {
            return switch (member) {
                case "Ping" -> new Reply(null, new Object[0]);
                case "GetMachineId" -> new Reply("s", new Object[] {machineId()});
                default -> throw new BusException(BusException.UNKNOWN_METHOD, "No method " + member + " in " + PEER);
            };
        }
        BusObject o = objects.get(path);
        if (o == null) {
            throw new BusException(BusException.UNKNOWN_OBJECT, "No object at " + path);
        }
        Object[] args = parameters(call);
        if (PROPERTIES.equals(iface)) {
            return properties(o, member, call.getSig(), args);
        }
        InterfaceDefinition def = null;
        InterfaceDefinition.Member method = null;
        for (InterfaceDefinition d : o.interfaces()) {
            if (iface == null || d.name().equals(iface)) {
                Optional<InterfaceDefinition.Member> m = d.method(member);
                if (m.isPresent()) {
                    def = d;
                    method = m.get();
                    break;
                }
            }
        }
        if (method == null) {
            if (iface != null && o.interfaces().stream().noneMatch(d -> d.name().equals(iface))) {
                throw new BusException(BusException.UNKNOWN_INTERFACE, "No interface " + iface + " at " + path);
            }
            throw new BusException(BusException.UNKNOWN_METHOD, "No method " + member + (iface == null ? "" : " in " + iface) + " at " + path);
        }
        checkSignature(method, call.getSig());
        Object[] out = o.invoke(new Call(call, call.getSource(), def, method, args, after));
        return new Reply(method.outSignature().isEmpty() ? null : method.outSignature(), marshallable(method.out(), out));
    }

    private static Object[] marshallable(List<InterfaceDefinition.Arg> outArgs, Object[] values) {
        Object[] m = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            m[i] = Values.marshallable(values[i], outArgs.get(i).type());
        }
        return m;
    }

    private void checkSignature(InterfaceDefinition.Member method, String signature) throws BusException {
        List<String> given;
        try {
            given = Signature.split(signature);
        } catch (IllegalArgumentException e) {
            throw new BusException(invalidArgumentError, method.name() + ": " + e.getMessage());
        }
        List<InterfaceDefinition.Arg> expected = method.in();
        for (int i = 0; i < expected.size(); i++) {
            InterfaceDefinition.Arg a = expected.get(i);
            if (i >= given.size()) {
                throw new BusException(invalidArgumentError, method.name() + ": argument '" + a.name() + "' (" + a.type() + ") is missing");
            }
            if (!given.get(i).equals(a.type())) {
                throw new BusException(invalidArgumentError, method.name() + ": argument '" + a.name() + "' must be of type " + a.type()
                        + ", not " + given.get(i));
            }
        }
        if (given.size() > expected.size()) {
            throw new BusException(invalidArgumentError, method.name() + " takes " + expected.size() + " argument(s) (" + method.inSignature()
                    + "), not " + given.size() + " (" + signature + ")");
        }
    }

    private static Object[] parameters(MethodCall call) throws BusException {
        try {
            Object[] p = call.getParameters();
            return p == null ? new Object[0] : p;
        } catch (DBusException e) {
            throw new BusException(BusException.INVALID_ARGS, "cannot read the arguments: " + e.getMessage());
        }
    }

    private Reply properties(BusObject o, String member, String signature, Object[] args) throws BusException {
        String expected = switch (member) {
            case "Get" -> "ss";
            case "GetAll" -> "s";
            case "Set" -> "ssv";
            default -> throw new BusException(BusException.UNKNOWN_METHOD, "No method " + member + " in " + PROPERTIES);
        };
        if (!expected.equals(signature == null ? "" : signature)) {
            throw new BusException(BusException.INVALID_ARGS, PROPERTIES + "." + member + " takes (" + expected + "), not (" + signature + ")");
        }
        String ifaceName = (String) args[0];
        InterfaceDefinition def = o.interfaces().stream().filter(i -> i.name().equals(ifaceName)).findFirst()
                .orElseThrow(() -> new BusException(BusException.UNKNOWN_INTERFACE, "No interface " + ifaceName + " here"));
        if (member.equals("GetAll")) {
            Map<String, Variant<?>> all = new LinkedHashMap<>();
            for (InterfaceDefinition.Property p : def.properties()) {
                all.put(p.name(), Values.variant(o.property(ifaceName, p.name()), p.type()));
            }
            return new Reply("a{sv}", new Object[] {all});
        }
        String name = (String) args[1];
        InterfaceDefinition.Property p = def.property(name)
                .orElseThrow(() -> new BusException(BusException.UNKNOWN_PROPERTY, "No property " + name + " in " + ifaceName));
        if (member.equals("Set")) {
            throw new BusException(BusException.PROPERTY_READ_ONLY, "Property " + ifaceName + "." + name + " is read-only");
        }
        return new Reply("v", new Object[] {Values.variant(o.property(ifaceName, name), p.type())});
    }

    /** The introspection document of {@code path}: its interfaces, and a node for each next path element below it. */
    String introspect(String path) throws BusException {
        BusObject o = objects.get(path);
        String prefix = path.equals("/") ? "/" : path + "/";
        TreeSet<String> children = new TreeSet<>();
        for (String p : objects.keySet()) {
            if (p.startsWith(prefix) && p.length() > prefix.length()) {
                String rest = p.substring(prefix.length());
                int slash = rest.indexOf('/');
                children.add(slash < 0 ? rest : rest.substring(0, slash));
            }
        }
        if (o == null && children.isEmpty()) {
            throw new BusException(BusException.UNKNOWN_OBJECT, "No object at " + path);
        }
        StringBuilder b = new StringBuilder(DOCTYPE).append("<node>\n");
        for (InterfaceDefinition d : STANDARD.values()) {
            if (o != null || !d.name().equals(PROPERTIES)) {
                b.append(d.toXml());
            }
        }
        if (o != null) {
            o.interfaces().forEach(d -> b.append(d.toXml()));
        }
        children.forEach(c -> b.append("  <node name=\"").append(c).append("\"/>\n"));
        return b.append("</node>\n").toString();
    }

    private static String machineId() throws BusException {
        for (String f : List.of("/etc/machine-id", "/var/lib/dbus/machine-id")) {
            try {
                String id = Files.readString(Path.of(f)).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            } catch (IOException e) {
                // Try the next.
            }
        }
        throw new BusException("org.freedesktop.DBus.Error.FileNotFound", "No machine id in /etc/machine-id or /var/lib/dbus/machine-id");
    }

    /** The exported paths, sorted. */
    public List<String> paths() {
        return new ArrayList<>(objects.keySet());
    }

    /** The object at {@code path}. */
    public Optional<BusObject> object(String path) {
        return Optional.ofNullable(objects.get(path));
    }
}
