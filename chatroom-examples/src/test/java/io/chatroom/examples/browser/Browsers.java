package io.chatroom.examples.browser;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The browsers of a test class, as a JUnit extension on a static field: {@link #start} lends
 * one per person in a test, starting Chromium only when every one started so far is lent (a
 * start costs seconds on a 2-core machine). After each test, if it failed, each browser's
 * screenshot goes to {@code target/browser-screenshots/} and its console errors to the test
 * output; then each leaves the page and forgets its storage for the next test. After the
 * class, every browser is closed.
 */
final class Browsers implements AfterEachCallback, AfterAllCallback {

    private final List<Browser> started = new ArrayList<>();
    private int lent;

    /** A browser for {@code person} in this test. */
    Browser start(String person) {
        if (lent == started.size()) {
            started.add(Browser.start(person));
        } else {
            started.get(lent).reset(person);
        }
        return started.get(lent++);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        String test = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        List<Browser> broken = new ArrayList<>();
        for (Browser browser : started.subList(0, lent)) {
            try {
                if (failed) {
                    System.out.println(test + ": " + browser.name() + "'s console errors: " + browser.consoleErrors()
                            + "; screenshot " + browser.screenshot(test + "-" + browser.name()));
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
    public void afterAll(ExtensionContext context) {
        started.forEach(Browser::close);
        started.clear();
    }
}
