package io.chatroom.examples.browser;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The browsers of one test, as a JUnit extension: {@link #start} opens one per person; after
 * the test, if it failed, each browser's screenshot goes to {@code target/browser-screenshots/}
 * and its console errors to the test output; then every browser is closed.
 */
final class Browsers implements AfterEachCallback {

    private final List<Browser> open = new ArrayList<>();

    /** A new browser for {@code person}, closed after the test. */
    Browser start(String person) {
        Browser browser = Browser.start(person);
        open.add(browser);
        return browser;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        String test = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        for (Browser browser : open) {
            try {
                if (failed) {
                    System.out.println(test + ": " + browser.name() + "'s console errors: " + browser.consoleErrors()
                            + "; screenshot " + browser.screenshot(test + "-" + browser.name()));
                }
            } catch (RuntimeException e) {
                System.out.println(test + ": no screenshot of " + browser.name() + ": " + e);
            } finally {
                browser.close();
            }
        }
        open.clear();
    }
}
