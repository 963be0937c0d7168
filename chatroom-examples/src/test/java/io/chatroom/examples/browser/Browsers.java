package io.chatroom.examples.browser;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The browsers of a test class, as a JUnit extension on a static field: {@link #start} lends
 * one per person in a test. The browsers outlive the class: they are started only when every
 * one started so far in the test run is lent (a start costs seconds on a 2-core machine), and
 * closed when the run ends. After each test, if it failed, each browser's screenshot goes to
 * {@code target/browser-screenshots/} and its console errors to the test output; then each
 * leaves the page and forgets its storage for the next test.
 */
final class Browsers implements BeforeAllCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Browsers.class);

    private Pool pool;

    @Override
    public void beforeAll(ExtensionContext context) {
        pool = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Pool.class, type -> new Pool(), Pool.class);
    }

    /** A browser for {@code person} in this test. */
    Browser start(String person) {
        return pool.lend(person);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        pool.takeBack(context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName(),
                failed);
    }

    /** The browsers of the test run; JUnit closes it with the run's root store. Used by one test thread. */
    private static final class Pool implements AutoCloseable {

        private final List<Browser> started = new ArrayList<>();
        private int lent;

        Browser lend(String person) {
            if (lent == started.size()) {
                started.add(Browser.start(person));
            } else {
                started.get(lent).reset(person);
            }
            return started.get(lent++);
        }

        void takeBack(String test, boolean failed) {
            List<Browser> broken = new ArrayList<>();
            for (Browser browser : started.subList(0, lent)) {
                try {
                    if (failed) {
                        System.out.println(test + ": " + browser.name() + "'s console errors: "
                                + browser.consoleErrors() + "; screenshot " + browser.screenshot(test + "-" + browser.name()));
                    }
                    browser.reset("(idle)");
                } catch (RuntimeException e) {
                    System.out.println(test + ": closing " + browser.name() + "'s browser: " + e);
                    broken.add(browser);
                }
            }
            broken.forEach(Browser::close);
            started.removeAll(broken);
            lent = 0;
        }

        @Override
        public void close() {
            started.forEach(Browser::close);
            started.clear();
        }
    }
}
