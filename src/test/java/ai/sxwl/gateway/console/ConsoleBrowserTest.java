package ai.sxwl.gateway.console;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.TestJobs;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (Debian's chromium through chromedriver, headless): sign-in refused with a wrong key,
 * a job's timeline after a submit and its callback, a dead delivery redelivered and delivered, subscriptions. Each
 * screen is saved under target/console-screenshots/ for a person to look at.
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());
    private static ChromeDriver browser;

    @TestHTTPResource("/")
    URL base;

    @Inject
    CallbackTokens tokens;

    @BeforeAll
    static void openBrowser() throws IOException {
        RECEIVER.start();
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("gateway.test.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-extensions", "--window-size=1280,1100",
                "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("gateway.test.chromedriver",
                        "/usr/bin/chromedriver")))
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        RECEIVER.stop();
    }

    @Test
    void signInIsRefusedWithAWrongKeyAndPagesStayClosed() throws IOException {
        browser.manage().deleteAllCookies();
        open("/console/jobs");
        assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"), "no session: sent to sign-in");
        browser.findElement(By.id("api-key")).sendKeys("not-a-key-of-this-gateway");
        browser.findElement(By.id("sign-in-button")).click();
        assertTrue(waitFor(By.id("error")).getText().contains("not one of this gateway's"));
        screenshot("sign-in-refused");
        open("/console/jobs");
        assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"), "still no session");
    }

    @Test
    void aJobsTimelineShowsItsSubmitAndItsCallback() throws IOException {
        String jobId = as("acme").body(Api.spec("sim:success")).post("/api/userJob").then().statusCode(200)
                .extract().path("job_id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as("acme").get("/api/jobs/" + jobId).then()
                .body("status", equalTo("succeeded")));
        signIn("acme");
        open("/console/jobs?q=" + jobId.substring(2, 14));
        screenshot("jobs");
        browser.findElement(By.linkText(jobId)).click();

        assertEquals(jobId, waitFor(By.id("job-id")).getText());
        assertEquals("succeeded", browser.findElement(By.id("job-status")).getText());
        List<WebElement> steps = browser.findElements(By.cssSelector("#timeline .step"));
        assertEquals(List.of("submitted", "succeeded"), steps.stream().map(s -> s.getAttribute("data-type")).toList());
        assertEquals(List.of("submit", "callback"), steps.stream()
                .map(s -> s.findElement(By.className("detected-by")).getText()).toList(), "where each was learned");
        assertTrue(browser.findElement(By.id("receipts")).getText().contains("applied"), "the raw callback is shown");
        screenshot("job-timeline");
    }

    @Test
    void aDeadDeliveryIsRedeliveredFromTheConsoleAndDelivered() throws IOException {
        String path = "/console-hook/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(500)));
        String jobId = TestJobs.newJobId();
        String subscription = as("acme").body(Map.of("url", "http://localhost:" + RECEIVER.port() + path,
                "jobId", jobId)).post("/api/subscriptions").then().statusCode(201).extract().path("id");
        onToken(tokens.mint(TestJobs.submission("acme", jobId)), body(jobId, "fail", "")).statusCode(200);
        int id = await().atMost(Duration.ofSeconds(20)).until(() -> as("acme")
                .get("/api/deliveries?jobId=" + jobId + "&subscriptionId=" + subscription).then()
                .extract().<Integer>path("items.find { it.state == 'dead' }.id"), java.util.Objects::nonNull);
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(204)));

        signIn("acme");
        open("/console/deliveries");
        By row = By.cssSelector("tr.delivery[data-id='" + id + "']");
        assertEquals("dead", browser.findElement(row).getAttribute("data-state"));
        screenshot("deliveries-dead");
        browser.findElement(row).findElement(By.className("redeliver")).click();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
            open("/console/deliveries");
            return "delivered".equals(browser.findElement(row).getAttribute("data-state"));
        });
        screenshot("deliveries-redelivered");
    }

    @Test
    void aSubscriptionCreatedInTheConsoleShowsItsSecretOnceAndCanBeDisabled() throws IOException {
        signIn("globex");
        open("/console/subscriptions");
        String url = "http://localhost:" + RECEIVER.port() + "/console-created/" + UUID.randomUUID();
        browser.findElement(By.id("subscription-url")).sendKeys(url);
        browser.findElement(By.name("eventTypes")).sendKeys("ai.sxwl.job.stalled");
        browser.findElement(By.id("create-subscription")).click();
        assertTrue(waitFor(By.id("secret")).getText().startsWith("whsec_"));
        screenshot("subscriptions");
        open("/console/subscriptions");
        assertTrue(browser.findElements(By.id("secret")).isEmpty(), "shown once, not again");

        WebElement created = browser.findElements(By.cssSelector("tr.subscription")).stream()
                .filter(r -> r.getText().contains(url)).findFirst().orElseThrow();
        String id = created.getAttribute("data-id");
        created.findElement(By.className("toggle")).click();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex").get("/api/subscriptions/" + id)
                .then().body("enabled", equalTo(false)));
    }

    /** Issue 18 (5): under the pages' CSP (no inline style or script), the stylesheet and the script still apply. */
    @Test
    void theConsolesOwnStylesheetAndScriptRunUnderItsContentSecurityPolicy() {
        signIn("acme");
        open("/console/jobs");
        assertEquals("rgba(36, 41, 47, 1)", browser.findElement(By.tagName("header")).getCssValue("background-color"),
                "the stylesheet applies");
        WebElement autoRefresh = browser.findElement(By.id("auto-refresh"));
        autoRefresh.click();
        assertEquals("on", ((JavascriptExecutor) browser).executeScript(
                "return localStorage.getItem('sxwl.autoRefresh')"), "the auto-refresh script runs");
        autoRefresh.click();
        assertEquals("off", ((JavascriptExecutor) browser).executeScript(
                "return localStorage.getItem('sxwl.autoRefresh')"));
    }

    private void signIn(String tenant) {
        browser.manage().deleteAllCookies();
        open("/console/sign-in");
        browser.findElement(By.id("api-key")).sendKeys(Api.API_KEYS.get(tenant));
        browser.findElement(By.id("sign-in-button")).click();
        assertEquals(tenant, waitFor(By.id("tenant")).getText());
    }

    /** The element once the page that has it is loaded (a click on a form's button returns before that). */
    private static WebElement waitFor(By element) {
        return new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(element));
    }

    private void open(String path) {
        browser.get(base.toString().replaceAll("/$", "") + path);
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
