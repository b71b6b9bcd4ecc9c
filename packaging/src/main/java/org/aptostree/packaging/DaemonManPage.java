package org.aptostree.packaging;

import static org.aptostree.packaging.ManPage.bold;
import static org.aptostree.packaging.ManPage.italic;
import static org.aptostree.packaging.ManPage.text;

import java.util.List;

/**
 * apt-ostreed(8). The daemon's command line is not a picocli model (it parses four options of its own), so this page
 * is written here; the package's tests check it against {@code apt-ostreed --help}.
 */
final class DaemonManPage {
    /** The options, as {@code apt-ostreed --help} names them, with what they do. */
    static final List<String[]> OPTIONS = List.of(
            new String[] {"--sysroot=DIR", "Manage the system whose root is DIR instead of the booted one (/)."},
            new String[] {"--bus=BUS", "Serve on the system bus (system, the default), the session bus (session), or the bus at a "
                    + "D-Bus address."},
            new String[] {"--idle-exit=SECONDS", "Exit after SECONDS without a transaction or a call, instead of IdleExitTimeout "
                    + "of the configuration file; 0: never."},
            new String[] {"--log-level=LEVEL", "Log messages of LEVEL and above: debug, info (the default), warning, error or critical."},
            new String[] {"--version", "Print the version and exit."},
            new String[] {"--help", "Print the usage and exit."});

    private DaemonManPage() {
    }

    static String render(String date, String source) {
        ManPage page = new ManPage("apt-ostreed", 8, date, source, "System Administration");
        page.name("apt-ostreed", "the apt-ostree system daemon");
        page.section("SYNOPSIS");
        StringBuilder synopsis = new StringBuilder(bold("/usr/libexec/apt-ostreed"));
        for (String[] o : OPTIONS.subList(0, 4)) {
            synopsis.append(" [").append(bold(o[0].substring(0, o[0].indexOf('=') + 1))).append(italic(o[0].substring(o[0].indexOf('=') + 1)))
                    .append(']');
        }
        page.markedParagraph(synopsis.toString());

        page.section("DESCRIPTION");
        page.paragraph("apt-ostreed changes the system on behalf of apt-ostree(8) and of other D-Bus clients: it installs and removes "
                + "layered packages, upgrades, rebases, deploys, rolls back and cleans up deployments. It owns the name "
                + "org.aptostree.dev on the system bus. Transactions that change the system are queued and run one at a time, "
                + "reporting their progress in signals; calls that only read never wait for them.");
        page.paragraph("It is not started by hand. When a client first calls org.aptostree.dev, the D-Bus daemon starts "
                + "apt-ostreed.service (the activation file is /usr/share/dbus-1/system-services/org.aptostree.dev.service), "
                + "and apt-ostreed exits again after IdleExitTimeout seconds without a transaction or a call (see "
                + "apt-ostreed.conf(5)). The unit runs only on a system booted from an OSTree deployment (/run/ostree-booted).");

        page.section("D-BUS INTERFACE");
        page.paragraph("The objects are /org/aptostree/dev (the daemon: Ping, its version and state), /org/aptostree/dev/Sysroot "
                + "(the deployments, the active transaction, the automatic update policy), /org/aptostree/dev/OS (a method per "
                + "command: install_packages, remove_packages, upgrade_system, rollback, show_status, ...) and "
                + "/org/aptostree/dev/Transaction/N, the transactions that the methods which change the system return. The full "
                + "description, with every method's arguments, is /usr/share/dbus-1/interfaces/org.aptostree.dev.xml; the "
                + "running daemon answers the same with:");
        page.example(List.of("busctl introspect org.aptostree.dev /org/aptostree/dev/OS"));

        page.section("AUTHORIZATION");
        page.paragraph("Anyone may call the methods that only read. A method that changes the system asks polkit whether the "
                + "caller may perform the action org.aptostree.dev.VERB (upgrade, install-uninstall-packages, rollback, ...: "
                + "the actions and their defaults are in /usr/share/polkit-1/actions/org.aptostree.dev.policy); a refused call "
                + "fails with org.freedesktop.DBus.Error.AccessDenied. root is always allowed. An action whose default is to "
                + "ask for an administrator's password is refused when no authentication agent answers, which is the case for "
                + "commands run over ssh or from timers. A rules file in /etc/polkit-1/rules.d/ allows users without asking, "
                + "for example the members of group sudo:");
        page.example(List.of("polkit.addRule(function(action, subject) {",
                "    if (action.id.indexOf(\"org.aptostree.dev.\") == 0 && subject.isInGroup(\"sudo\")) {",
                "        return polkit.Result.YES;",
                "    }",
                "});"));

        page.section("OPTIONS");
        for (String[] o : OPTIONS) {
            int eq = o[0].indexOf('=');
            String tag = eq < 0 ? bold(o[0]) : bold(o[0].substring(0, eq + 1)) + italic(o[0].substring(eq + 1));
            page.tagged(tag, text(o[1]));
        }

        page.section("FILES");
        page.tagged(bold("/etc/apt-ostree/apt-ostreed.conf"), text("Settings: see apt-ostreed.conf(5)."));
        page.tagged(bold("/usr/lib/systemd/system/apt-ostreed.service"), text("The unit D-Bus activation starts."));
        page.tagged(bold("/var/lib/apt-ostree"), text("State shared by the deployments."));
        page.tagged(bold("/var/cache/apt-ostree"), text("Downloaded package indexes and packages."));

        page.section("SEE ALSO");
        page.markedParagraph(bold("apt-ostree") + "(8), " + bold("apt-ostreed.conf") + "(5), " + bold("polkit") + "(8), "
                + bold("busctl") + "(1), " + bold("systemd.service") + "(5)");
        return page.troff();
    }
}
