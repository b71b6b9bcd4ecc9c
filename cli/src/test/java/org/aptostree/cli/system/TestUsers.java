package org.aptostree.cli.system;

import java.io.IOException;
import java.util.List;

/**
 * The users of the daemon tests, made with {@code useradd} when missing: one the test's polkit rules allow, one
 * they deny, and one they say nothing about (polkit's default, authentication by an administrator, applies).
 */
final class TestUsers {
    static final String ALLOWED = "aptostree-allowed";
    static final String DENIED = "aptostree-denied";
    static final String OTHER = "aptostree-other";

    private TestUsers() {
    }

    static synchronized void ensure() throws IOException, InterruptedException {
        for (String u : List.of(ALLOWED, DENIED, OTHER)) {
            if (Commands.run(List.of("id", "-u", u)).code() != 0) {
                Commands.run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", u))
                        .expectSuccess(List.of("useradd", u));
            }
        }
    }

    static int uid(String user) throws IOException, InterruptedException {
        return Integer.parseInt(Commands.run(List.of("id", "-u", user)).expectSuccess(List.of("id", user)).out().strip());
    }
}
