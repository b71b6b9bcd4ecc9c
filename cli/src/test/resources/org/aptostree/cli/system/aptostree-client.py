#!/usr/bin/python3
"""A client of apt-ostreed as GUIs write them, with Gio (python3-gi): subscribes to every signal apt-ostreed sends,
calls an OS method that starts a transaction, prints each signal as it comes, and exits when that transaction
completes: 0 if it succeeded, 1 if not.

usage: aptostree-client.py BUS-ADDRESS METHOD [PACKAGE...]
  METHOD install_packages / remove_packages (with packages), or rollback / upgrade_system (without)."""
import sys

from gi.repository import Gio, GLib

NAME = "org.aptostree.dev"


def main():
    address, method, packages = sys.argv[1], sys.argv[2], sys.argv[3:]
    bus = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    loop = GLib.MainLoop()
    state = {"address": None, "early": [], "success": None}

    def finish(success):
        state["success"] = success
        loop.quit()

    def on_signal(connection, sender, path, interface, member, parameters):
        values = parameters.unpack()
        print("signal %s.%s %s %r" % (interface, member, path, values), flush=True)
        if member == "TransactionCompleted":
            if state["address"] is None:
                state["early"].append(values)
            elif values[0] == state["address"]:
                finish(values[1])

    bus.signal_subscribe(NAME, None, None, None, None, Gio.DBusSignalFlags.NONE, on_signal)
    if method in ("install_packages", "remove_packages"):
        args = GLib.Variant("(asa{sv})", (packages, {}))
    else:
        args = GLib.Variant("(a{sv})", ({},))
    reply = bus.call_sync(NAME, "/org/aptostree/dev/OS", "org.aptostree.dev.OS", method, args, GLib.VariantType("(s)"),
                          Gio.DBusCallFlags.NONE, -1, None)
    state["address"] = reply.unpack()[0]
    print("transaction %s" % state["address"], flush=True)
    for values in state["early"]:
        if values[0] == state["address"]:
            finish(values[1])
    if state["success"] is None:
        loop.run()
    transaction = Gio.DBusProxy.new_sync(bus, Gio.DBusProxyFlags.NONE, None, NAME, state["address"],
                                         "org.aptostree.dev.Transaction", None)
    print("result %s" % transaction.get_cached_property("Result").unpack(), flush=True)
    return 0 if state["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
