package org.aptostree.daemon.dbus;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.freedesktop.dbus.connections.transports.AbstractTransport;
import org.freedesktop.dbus.connections.transports.TransportBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MessageFactory;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.MethodReturn;
import org.freedesktop.dbus.messages.constants.Flags;

/**
 * A connection to a message bus, at the level of messages: calls with explicit signatures, replies, errors and
 * signals. dbus-java provides the transport (a JDK unix socket, SASL EXTERNAL) and the marshalling; the rest is
 * here rather than in dbus-java's object layer because the daemon must answer what that layer cannot: argument
 * names in introspection, and a call of the wrong signature refused with the argument named, not "no such method".
 *
 * <p>One thread reads: it completes pending calls and hands method calls and signals to the handlers, which must
 * not block it (a handler that makes calls of its own must run them elsewhere).
 */
public final class BusConnection implements Closeable {
    public static final String DRIVER = "org.freedesktop.DBus";
    private static final String DRIVER_PATH = "/org/freedesktop/DBus";
    /** dbus's own default for a call without a timeout. */
    public static final long DEFAULT_TIMEOUT_MS = 25_000;

    private final AbstractTransport transport;
    private final SocketChannel channel;
    private final MessageFactory factory;
    private final Map<Long, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<DBusSignal>> signalHandlers = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private volatile Consumer<MethodCall> callHandler = call -> { };
    private volatile Runnable disconnectHandler = () -> { };
    private volatile boolean closed;
    private String uniqueName;

    private BusConnection(AbstractTransport transport, SocketChannel channel) {
        this.transport = transport;
        this.channel = channel;
        this.factory = transport.getMessageFactory();
    }

    /** Connects to {@code address}, authenticates and says Hello; the reading thread runs from then on. */
    public static BusConnection open(String address) throws IOException {
        AbstractTransport transport;
        SocketChannel channel;
        try {
            // Not connected by the builder: each connect() opens and authenticates a socket of its own, and the
            // builder's would be left open beside the one used.
            transport = TransportBuilder.create(address).configure().withAutoConnect(false).back().build();
            channel = transport.connect();
        } catch (DBusException e) {
            throw new IOException("cannot connect to the bus at " + address + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("cannot connect to the bus at " + address + ": " + e.getMessage(), e);
        }
        BusConnection c = new BusConnection(transport, channel);
        Thread reader = new Thread(c::readLoop, "dbus-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            c.uniqueName = (String) c.call(DRIVER, DRIVER_PATH, DRIVER, "Hello", null)[0];
        } catch (BusException e) {
            c.close();
            throw new IOException("the bus at " + address + " refused Hello: " + e.getMessage(), e);
        }
        return c;
    }

    /** This connection's unique name ({@code :1.42}). */
    public String uniqueName() {
        return uniqueName;
    }

    /** Who gets the method calls addressed to this connection (on the reading thread). */
    public void onMethodCall(Consumer<MethodCall> handler) {
        this.callHandler = handler;
    }

    /** Adds a receiver of signals (on the reading thread); the bus sends only those a match rule asks for. */
    public void onSignal(Consumer<DBusSignal> handler) {
        signalHandlers.add(handler);
    }

    /** Told once, when the bus closes the connection. */
    public void onDisconnect(Runnable handler) {
        this.disconnectHandler = handler;
    }

    /** Calls a method and waits for its reply, up to the default timeout. */
    public Object[] call(String destination, String path, String iface, String member, String signature, Object... args)
            throws BusException, IOException {
        return call(DEFAULT_TIMEOUT_MS, destination, path, iface, member, signature, args);
    }

    /** Calls a method and waits up to {@code timeoutMs} for the reply; an error reply is thrown as it came. */
    public Object[] call(long timeoutMs, String destination, String path, String iface, String member, String signature,
            Object... args) throws BusException, IOException {
        CompletableFuture<Message> reply = callAsync(destination, path, iface, member, signature, args);
        Message m;
        try {
            m = reply.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BusException(BusException.NO_REPLY, "No reply from " + destination + " to " + member + " within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + member, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        try {
            if (m instanceof Error err) {
                Object[] p = err.getParameters();
                throw new BusException(err.getName(), p != null && p.length > 0 && p[0] instanceof String s ? s : err.getName());
            }
            Object[] p = m.getParameters();
            return p == null ? new Object[0] : p;
        } catch (DBusException e) {
            throw new IOException("malformed reply to " + member + ": " + e.getMessage(), e);
        }
    }

    /** Sends a call; the future completes with its reply (a return or an error). */
    public CompletableFuture<Message> callAsync(String destination, String path, String iface, String member, String signature,
            Object... args) throws IOException {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        MethodCall call;
        try {
            call = factory.createMethodCall(null, destination, path, iface, member, (byte) 0, signature, args);
        } catch (DBusException e) {
            throw new IllegalArgumentException("cannot marshal " + member + "(" + signature + "): " + e.getMessage(), e);
        }
        pending.put(call.getSerial(), reply);
        if (closed) {
            pending.remove(call.getSerial());
            throw new IOException("the bus connection is closed");
        }
        write(call);
        return reply;
    }

    /** The bus driver's answer to a method of {@code org.freedesktop.DBus}. */
    public Object[] callDriver(String member, String signature, Object... args) throws BusException, IOException {
        return call(DRIVER, DRIVER_PATH, DRIVER, member, signature, args);
    }

    /** Asks the bus to send this connection the signals {@code rule} matches. */
    public void addMatch(String rule) throws BusException, IOException {
        callDriver("AddMatch", "s", rule);
    }

    /** Answers {@code call} with values of {@code signature} (nothing when the caller asked for no reply). */
    public void reply(MethodCall call, String signature, Object... values) throws IOException {
        if ((call.getFlags() & Flags.NO_REPLY_EXPECTED) != 0) {
            return;
        }
        try {
            MethodReturn r = factory.createMethodReturn(call, signature, values);
            write(r);
        } catch (DBusException e) {
            throw new IllegalArgumentException("cannot marshal the reply to " + call.getName() + " as " + signature + ": " + e.getMessage(), e);
        }
    }

    /** Answers {@code call} with an error. */
    public void replyError(MethodCall call, String errorName, String message) throws IOException {
        if ((call.getFlags() & Flags.NO_REPLY_EXPECTED) != 0) {
            return;
        }
        try {
            write(factory.createError(null, call.getSource(), errorName, call.getSerial(), "s", message));
        } catch (DBusException e) {
            throw new IllegalArgumentException("cannot marshal an error: " + e.getMessage(), e);
        }
    }

    /** Emits a signal. */
    public void signal(String path, String iface, String member, String signature, Object... args) throws IOException {
        try {
            write(factory.createSignal(null, path, iface, member, signature, args));
        } catch (DBusException e) {
            throw new IllegalArgumentException("cannot marshal signal " + member + "(" + signature + "): " + e.getMessage(), e);
        }
    }

    private void write(Message m) throws IOException {
        synchronized (writeLock) {
            if (closed) {
                throw new IOException("the bus connection is closed");
            }
            if (m.getFiledescriptors().isEmpty()) {
                writeWhole(m.getWireData());
            } else {
                transport.writeMessage(m);
            }
        }
    }

    /**
     * Writes a message's wire data with one write. dbus-java's own writer makes a write per marshalled piece (21
     * for Ping's reply), and each can wake the bus to read a few bytes of it.
     */
    private void writeWhole(byte[][] wire) throws IOException {
        int size = 0;
        int pieces = 0;
        for (byte[] b : wire) {
            if (b == null) {
                break;
            }
            size += b.length;
            pieces++;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (int i = 0; i < pieces; i++) {
            System.arraycopy(wire[i], 0, all, at, wire[i].length);
            at += wire[i].length;
        }
        ByteBuffer buffer = ByteBuffer.wrap(all);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void readLoop() {
        try {
            while (!closed) {
                Message m = transport.readMessage();
                if (m == null) {
                    continue;
                }
                if (m instanceof MethodReturn || m instanceof Error) {
                    CompletableFuture<Message> f = pending.remove(m.getReplySerial());
                    if (f != null) {
                        f.complete(m);
                    }
                } else if (m instanceof MethodCall call) {
                    callHandler.accept(call);
                } else if (m instanceof DBusSignal s) {
                    for (Consumer<DBusSignal> h : signalHandlers) {
                        h.accept(s);
                    }
                }
            }
        } catch (IOException | DBusException | RuntimeException e) {
            // The bus went away (or sent what cannot be read): every waiting call fails, and the owner is told.
        }
        boolean wasOpen = !closed;
        closeQuietly();
        IOException gone = new IOException("the bus connection was closed");
        pending.values().forEach(f -> f.completeExceptionally(gone));
        pending.clear();
        if (wasOpen) {
            disconnectHandler.run();
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    private void closeQuietly() {
        closed = true;
        try {
            transport.close();
        } catch (IOException e) {
            // Closing a socket the peer has closed already.
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
