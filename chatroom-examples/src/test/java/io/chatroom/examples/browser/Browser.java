package io.chatroom.examples.browser;

import io.chatroom.contract.TestCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person at the chat page: a headless Chromium of its own (Debian's, through Debian's
 * chromedriver, so Selenium downloads nothing), with a fresh profile, Chromium's fake
 * camera and microphone, and trust in the tests' certificate for {@code https://} pages. Every wait has a deadline and fails saying what it waited for and
 * what the page showed. Used by one test thread; {@link Browsers} lends it to the next test.
 */
final class Browser implements AutoCloseable {

    /** How long a wait for the page lasts: generous, for a 2-core CI machine running two or three browsers. */
    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "browser-screenshots");

    /** Selenium looks for devtools support of Chromium's version at every start and warns that it has none; none is used. */
    private static final Logger CDP_VERSION_WARNINGS = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_WARNINGS.setLevel(Level.OFF);
    }

    private static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", "--window-size=1280,900",
            // A page left for the next test must end, WebSockets and all, not wait in the back/forward cache.
            "--disable-features=BackForwardCache");

    /** Whom the browser plays in the current test. */
    private String name;
    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    /** Console errors read so far: Chromium hands each out once. */
    private final List<String> console = new ArrayList<>();

    private Browser(String name, Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.name = name;
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Starts a browser called {@code name} in failure messages and screenshot names. */
    static Browser start(String name) {
        ChromiumInstall.ensure();
        Path profile;
        try {
            profile = Files.createTempDirectory("chatroom-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ChromiumInstall.CHROMIUM.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        options.addArguments("--ignore-certificate-errors-spki-list=" + testCertificatePin());
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(ChromiumInstall.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(name, profile, service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    /**
     * Chromium's pin of {@link TestCertificate#shared()} (its public key's SHA-256): a page on
     * {@code https://} that presents it is trusted, as a certificate authority would make it.
     */
    private static String testCertificatePin() {
        try {
            byte[] key = TestCertificate.shared().certificate().getPublicKey().getEncoded();
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return name;
    }

    /** Lends this browser to another person: a page that was open is left, and its storage cleared. */
    void reset(String person) {
        if (driver.getCurrentUrl().startsWith("http")) {
            script("localStorage.clear(); sessionStorage.clear();");
        }
        driver.get("about:blank");
        consoleErrors();
        console.clear();
        name = person;
    }

    /** Opens {@code page}. */
    void open(URI page) {
        driver.get(page.toString());
    }

    /** Opens the page, joins {@code room} as {@code user} with the join form, and waits until the room is online. */
    void join(URI site, String user, String room) {
        open(site);
        type("#name", user);
        type("#room", room);
        click("#join");
        awaitAttribute("#status", "data-state", "online");
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    boolean exists(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** Clicks the first element matching {@code css} once it shows and is enabled (again if the page redrew it meanwhile). */
    void click(String css) {
        await("a clickable " + css, d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            if (found.isEmpty() || !found.get(0).isDisplayed() || !found.get(0).isEnabled()) {
                return false;
            }
            found.get(0).click();
            return true;
        });
    }

    /** Replaces the text of an input as a person would: select all, delete, type. */
    void type(String css, String text) {
        WebElement input = find(css);
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        if (!text.isEmpty()) {
            input.sendKeys(text);
        }
    }

    /** Types {@code text} into {@code #input} and sends it with {@code #send}. */
    void send(String text) {
        type("#input", text);
        click("#send");
    }

    /** Runs a script in the page and returns its result. */
    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The {@code textContent} of every element matching {@code css}, in document order. */
    List<String> texts(String css) {
        Object result = script("return Array.from(document.querySelectorAll(arguments[0]), e => e.textContent);", css);
        return ((List<?>) result).stream().map(String::valueOf).toList();
    }

    /** The {@code textContent} of the first element matching {@code css}, or {@code null}. */
    String text(String css) {
        return (String) script("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
    }

    /**
     * Waits until {@code condition} answers something other than {@code null} or {@code false},
     * and returns it; an element the page redrew while the condition looked at it counts as a no.
     */
    <T> T await(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, DEADLINE, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": no " + what + " within " + DEADLINE.toSeconds() + " s; "
                    + "#messages: " + texts("#messages .msg, #messages .event") + "; console: " + consoleErrors(), e);
        }
    }

    /** Waits until the first element matching {@code css} has {@code attribute} equal to {@code value}. */
    void awaitAttribute(String css, String attribute, String value) {
        await(css + "[" + attribute + "=" + value + "]", d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return !found.isEmpty() && value.equals(found.get(0).getDomAttribute(attribute));
        });
    }

    /** Waits until the text of the first element matching {@code css} equals {@code expected}. */
    void awaitText(String css, String expected) {
        await(css + " reading \"" + expected + "\"", d -> expected.equals(text(css)));
    }

    /** Waits until some element matching {@code css} has exactly this text, and returns it. */
    WebElement awaitElementWithText(String css, String expected) {
        return await(css + " reading \"" + expected + "\"", d -> d.findElements(By.cssSelector(css)).stream()
                .filter(e -> expected.equals(e.getDomProperty("textContent")))
                .findFirst().orElse(null));
    }

    /** Whether a JavaScript dialog (alert, confirm, prompt) is open. */
    boolean dialogOpen() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    /** Saves a screenshot to {@code target/browser-screenshots/FILE.png} and returns its path. */
    Path screenshot(String file) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(file + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's console messages at level SEVERE so far (errors, CSP violations, failed loads). */
    List<String> consoleErrors() {
        try {
            driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                    .map(LogEntry::getMessage)
                    .forEach(console::add);
        } catch (WebDriverException e) {
            console.add("(console unreadable: " + e.getClass().getSimpleName() + ")");
        }
        return List.copyOf(console);
    }

    /** Quits Chromium and its chromedriver, and deletes the profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary profile left behind
        }
    }

    @Override
    public String toString() {
        return "Browser[" + Objects.requireNonNull(name) + "]";
    }
}
