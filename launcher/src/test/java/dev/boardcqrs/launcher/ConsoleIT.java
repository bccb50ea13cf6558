package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.JsonHttp;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projector's operator console in headless Chromium (Debian's chromium and chromium-driver; no browser or
 * driver is downloaded), as an operator uses it: the page shows the projector streaming, asks for the operator
 * token, shows a dead letter as it appears and retries it, and rebuilds with the progress bar moving to done.
 * Screenshots go to target/console-screenshots (the ones in docs/ come from here).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final Logger log = LoggerFactory.getLogger(ConsoleIT.class);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String ADMIN_TOKEN = "console-test-admin-token-0123456789abcdef";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static DevStack stack;
    private static WebDriver browser;
    private static JsonHttp command;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "ConsoleIT skipped: Chromium is not installed here (/usr/bin/chromium and /usr/bin/chromedriver, from "
                        + "Debian's chromium and chromium-driver; .ci/run installs them)");
        // enough rows that a rebuild's snapshot takes a moment, so the page can show it under way
        stack = DevStack.start(TestStacks.withDatabase(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0",
                "PROJECTOR_PORT", "0", "PROJECTOR_ADMIN_TOKEN", ADMIN_TOKEN)), ConsoleIT::seed);
        command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.get("http://127.0.0.1:" + stack.projector().port() + "/");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldShowTheProjectorStreamingWithItsLagAndEventsByTable() throws IOException {
        await().atMost(PATIENCE).until(() -> text("state").equals("STREAMING"));
        command.post("/articles", "{\"boardId\": 7, \"title\": \"seen on the console\", \"content\": \"c\"}");

        await().atMost(PATIENCE).until(() -> !browser.findElements(By.cssSelector("#events tr[data-table='article']")).isEmpty());
        assertThat(text("lag")).matches("\\d+ ms");
        assertThat(browser.findElements(By.cssSelector("#lag-chart canvas"))).isNotEmpty();
        assertThat(text("generation")).isEqualTo(stack.projector().activeGeneration().name());
        screenshot("console-streaming.png");
    }

    @Test
    @Order(2)
    void shouldAskForTheOperatorTokenAndRefuseAWrongOne() {
        click("rebuild");
        assertThat(text("message")).contains("enter the operator token");

        useToken("not-the-admin-token");
        click("rebuild");
        browser.switchTo().alert().accept();
        await().atMost(PATIENCE).until(() -> text("message").contains("401"));
        assertThat(text("generation")).isEqualTo(stack.projector().activeGeneration().name());
    }

    @Test
    @Order(3)
    void shouldShowADeadLetterAsItAppearsAndRetryItFromThePage() throws Exception {
        useToken(ADMIN_TOKEN);
        long article = command.post("/articles", "{\"boardId\": 7, \"title\": \"clobbered\", \"content\": \"c\"}").json()
                .path("articleId").asLong();
        BoardKeys models = BoardKeys.in(new KeyScheme(stack.projectorConfig().namespace()).activeIn(stack.redis())
                .orElseThrow());
        await().atMost(PATIENCE).until(() -> stack.redis().exists(models.article(article)));
        // a change Redis refuses: something else wrote a string where the article's model hash belongs
        stack.redis().del(models.article(article));
        stack.redis().set(models.article(article), "not a model");
        command.post("/articles/" + article + "/comments", "{\"content\": \"refused\"}");

        await().atMost(PATIENCE).until(() -> browser.findElements(By.cssSelector("#deadletters tr.deadletter")).size() == 1);
        assertThat(text("deadletter-count")).isEqualTo("1");
        browser.findElement(By.cssSelector("#deadletters .details-button")).click();
        WebElement details = browser.findElement(By.cssSelector("#deadletters tr.details"));
        assertThat(details.isDisplayed()).isTrue();
        assertThat(details.getText()).contains("WRONGTYPE", "\"content\":\"refused\"");
        screenshot("console-dead-letter.png");

        stack.redis().del(models.article(article)); // the operator removes the stray key, then retries
        click("retry");
        browser.switchTo().alert().accept();
        await().atMost(PATIENCE).until(() -> browser.findElements(By.cssSelector("#deadletters tr.deadletter")).isEmpty());
        assertThat(text("message")).contains("1 applied");
        assertThat(text("deadletter-count")).isEqualTo("0");
    }

    @Test
    @Order(4)
    void shouldRebuildFromThePageWithTheProgressBarMovingToDone() throws Exception {
        String before = text("generation");
        click("rebuild");
        browser.switchTo().alert().accept();

        List<Double> seen = new ArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
            WebElement bar = browser.findElement(By.id("progress"));
            if ("running".equals(bar.getDomAttribute("data-state"))) {
                double done = Double.parseDouble(bar.getDomProperty("value")) / Double.parseDouble(bar.getDomProperty("max"));
                if (seen.isEmpty() || seen.get(seen.size() - 1) != done) {
                    seen.add(done);
                    if (done < 0.9) {
                        screenshot("console-rebuild.png"); // the last one under way stays
                    }
                }
            }
            return !text("generation").equals(before) && "done".equals(bar.getDomAttribute("data-state"));
        });
        log.info("progress seen while rebuilding: {}", seen);
        assertThat(seen).as("the bar under way before done").anyMatch(done -> done < 1.0);
        WebElement bar = browser.findElement(By.id("progress"));
        assertThat(bar.getDomProperty("value")).isEqualTo(bar.getDomProperty("max"));
        assertThat(text("progress-label")).startsWith("done: generation " + text("generation"));
        assertThat(text("generation")).isEqualTo(stack.projector().activeGeneration().name());
        screenshot("console-rebuilt.png");
    }

    private static void seed(dev.boardcqrs.embedded.EmbeddedDatabase database) throws java.sql.SQLException {
        String digits = "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                + "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
        database.execute("INSERT INTO article (board_id, writer_id, title, content) SELECT 1 + a.d, 1 + b.d, "
                + "CONCAT('seeded ', a.d, b.d, c.d, d.d), 'seeded' FROM " + digits + " a, " + digits + " b, "
                + digits + " c, " + digits + " d");
    }

    private static void useToken(String token) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        click("save-token");
    }

    private static void click(String id) {
        browser.findElement(By.id(id)).click();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
