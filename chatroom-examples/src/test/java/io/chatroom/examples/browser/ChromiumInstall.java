package io.chatroom.examples.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium and chromedriver, installed by {@code src/test/browser/install-chromium.sh}
 * the first time a browser test needs them in this JVM (the script does nothing when both are
 * there), so that {@code mvn verify} alone works on a fresh Debian machine.
 */
final class ChromiumInstall {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Surefire names the module's folder in {@code basedir}; an IDE usually runs tests there too. */
    private static final Path SCRIPT = Path.of(System.getProperty("basedir", "."), "src", "test", "browser",
            "install-chromium.sh");
    private static final long INSTALL_MINUTES = 10;

    private static boolean checked;

    private ChromiumInstall() {
    }

    /** Runs the install script once per JVM; fails with its output if it fails. */
    static synchronized void ensure() {
        if (checked) {
            return;
        }
        try {
            Process script = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true).start();
            script.getOutputStream().close();
            if (!script.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
                script.destroyForcibly();
                throw new IllegalStateException(SCRIPT + " did not finish within " + INSTALL_MINUTES + " minutes");
            }
            String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (script.exitValue() != 0 || !Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
                throw new IllegalStateException(SCRIPT + " exited with " + script.exitValue() + ": " + output);
            }
            if (!output.isEmpty()) {
                System.out.println(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + SCRIPT + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + SCRIPT + " ran", e);
        }
        checked = true;
    }
}
