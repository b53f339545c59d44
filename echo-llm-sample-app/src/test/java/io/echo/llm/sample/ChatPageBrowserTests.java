package io.echo.llm.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.echo.llm.sample.demo.DemoCancellations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat page in a real browser (Debian's headless Chromium, driven by Selenium) against the demo provider:
 * streaming, Stop, a reload mid-reply and errors as a user sees them. Screenshots go to {@code target/screenshots}.
 * <p>
 * With {@code CI=true} it always runs and fails when Chromium is missing; elsewhere it is skipped then, and says so.
 */
@ExtendWith(ChromiumInstalled.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "echo.demo.token-delay=25ms", "echo.llm.retry.max-attempts=1" })
class ChatPageBrowserTests {

	private static final Path CHROMIUM = ChromiumInstalled.CHROMIUM;

	private static final Path CHROMEDRIVER = ChromiumInstalled.CHROMEDRIVER;

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static ChromeDriver driver;

	@LocalServerPort
	private int port;

	@Autowired
	private DemoCancellations cancellations;

	@BeforeAll
	static void startBrowser() {
		// Only CI=true gets here without them (see ChromiumInstalled): fail with the reason, never skip there.
		assertTrue(ChromiumInstalled.installed(),
				ChromiumInstalled.missing() + ": CI=true requires the browser tests; .ci/run installs them");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// The networking flags keep Chromium from calling hosts a closed network refuses.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1100,900");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(CHROMEDRIVER.toString()))
			.usingAnyFreePort()
			.build();
		driver = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (driver != null) {
			driver.quit();
		}
	}

	@BeforeEach
	void openPage() {
		driver.manage().window().setSize(new Dimension(1100, 900));
		driver.get("http://127.0.0.1:" + this.port + "/");
		// The page restores the conversation of the tab after a reload, and saves it as the page goes: each test
		// starts a new one the way a user would, then reloads to get the introduction back.
		waitFor().until(ExpectedConditions.elementToBeClickable(By.id("clear"))).click();
		driver.executeScript("sessionStorage.clear();");
		driver.navigate().refresh();
		waitFor().until(ExpectedConditions.elementToBeClickable(By.id("send")));
	}

	@Test
	void replyAppearsTokenByTokenThenShowsItsTimings(TestInfo test) throws IOException {
		send("Explain server-sent events in two sentences.");
		WebElement reply = lastReply();

		Set<String> states = new LinkedHashSet<>();
		waitFor().pollingEvery(Duration.ofMillis(10)).until((browser) -> {
			String text = reply.findElement(By.className("content")).getText();
			if (!text.isEmpty() && "streaming".equals(reply.getDomAttribute("data-state"))) {
				states.add(text);
			}
			return !"streaming".equals(reply.getDomAttribute("data-state"));
		});

		assertThat(reply.getDomAttribute("data-state")).isEqualTo("done");
		String finalText = reply.findElement(By.className("content")).getText();
		assertThat(finalText).startsWith("You said: \"Explain server-sent events in two sentences.\"");
		assertThat(states).as("partial replies seen before the end").hasSizeGreaterThanOrEqualTo(3);
		List<String> partial = List.copyOf(states);
		for (int i = 1; i < partial.size(); i++) {
			assertThat(partial.get(i)).startsWith(partial.get(i - 1)).isNotEqualTo(partial.get(i - 1));
			assertThat(finalText).startsWith(partial.get(i));
		}
		assertThat(reply.findElement(By.className("stats")).getText()).contains("first token", "tokens/s");
		WebElement reasoning = reply.findElement(By.cssSelector("details.reasoning"));
		assertThat(reasoning.getDomProperty("open")).as("reasoning folds away once the answer starts").isEqualTo("false");
		reasoning.findElement(By.tagName("summary")).click();
		assertThat(reasoning.findElement(By.className("text")).getText()).startsWith("The user wrote");
		screenshot(test, true);
	}

	@Test
	void stopEndsTheReplyAndCancelsTheUpstreamStream(TestInfo test) throws Exception {
		send("First question, answered in full.");
		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));
		String prompt = "Second question, stopped early " + System.nanoTime();
		send(prompt);
		WebElement reply = lastReply();
		waitFor().until((browser) -> !reply.findElement(By.className("content")).getText().isEmpty());

		driver.findElement(By.id("stop")).click();

		waitFor().until((browser) -> "stopped".equals(reply.getDomAttribute("data-state")));
		assertThat(this.cancellations.await(prompt, WAIT)).as("the demo provider saw its stream cancelled").isTrue();
		assertThat(reply.findElement(By.className("stats")).getText()).contains("stopped");
		assertThat(driver.findElement(By.id("send")).isDisplayed()).isTrue();
		screenshot(test, false);
	}

	@Test
	void reloadMidReplyContinuesTheReplyWithNoGapOrRepeat(TestInfo test) throws IOException {
		String prompt = "Explain server-sent events in two sentences.";
		send(prompt);
		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));
		String uninterrupted = lastReply().findElement(By.className("content")).getText();
		String uninterruptedReasoning = reasoning(lastReply());
		driver.findElement(By.id("clear")).click();

		send(prompt);
		WebElement reply = lastReply();
		waitFor().pollingEvery(Duration.ofMillis(10))
			.until((browser) -> !reply.findElement(By.className("content")).getText().isEmpty());
		String beforeReload = reply.findElement(By.className("content")).getText();
		driver.navigate().refresh();

		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));
		assertThat(uninterrupted).as("the reload came mid-reply").startsWith(beforeReload).isNotEqualTo(beforeReload);
		assertThat(driver.findElements(By.cssSelector(".message.user"))).extracting(WebElement::getText)
			.containsExactly(prompt);
		assertThat(lastReply().findElement(By.className("content")).getText()).isEqualTo(uninterrupted);
		assertThat(reasoning(lastReply())).isEqualTo(uninterruptedReasoning);
		screenshot(test, false);
	}

	@Test
	void errorPromptShowsReadableMessageAndPageStaysUsable(TestInfo test) throws IOException {
		send("Show me what a failure looks like: demo:error");
		WebElement failed = lastReply();
		WebElement error = waitFor().until((browser) -> failed.findElements(By.className("error"))
			.stream()
			.findFirst()
			.orElse(null));

		assertThat(error.getText()).contains("error during the stream").doesNotContain("{");
		assertThat(failed.getDomAttribute("data-state")).isEqualTo("error");
		send("Are you still there?");
		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));
		screenshot(test, false);
	}

	@Test
	void toolCallIsShownAndThePageFitsAPhoneScreen(TestInfo test) throws IOException {
		driver.manage().window().setSize(new Dimension(390, 844));
		send("What's the weather in Lisbon?");
		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));

		WebElement tool = lastReply().findElement(By.className("tool"));
		assertThat(tool.findElement(By.className("name")).getText()).isEqualTo("get_weather");
		assertThat(tool.findElement(By.tagName("pre")).getText()).contains("\"location\": \"Lisbon\"");
		Long overflow = (Long) driver.executeScript(
				"return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
		assertThat(overflow).as("horizontal overflow in pixels").isZero();
		assertThat(driver.findElement(By.id("prompt")).isDisplayed()).isTrue();
		screenshot(test, false);
	}

	@Test
	void reloadDuringAToolCallKeepsTheToolCardWhole(TestInfo test) throws IOException {
		String prompt = "What's the weather in Lisbon?";
		reloadOnceTheLastReplyShows(".tool pre", 1);
		send(prompt);

		awaitReloadedReplyDone();
		screenshot(test, false);
		assertThat(reloadedAt()).as("the reload came while the arguments streamed").doesNotContain("celsius");
		List<WebElement> tools = lastReply().findElements(By.className("tool"));
		assertThat(tools).hasSize(1);
		assertThat(tools.get(0).findElement(By.className("name")).getText()).isEqualTo("get_weather");
		assertThat(tools.get(0).findElement(By.tagName("pre")).getText())
			.isEqualTo("{\"location\": \"Lisbon\", \"unit\": \"celsius\"}");
		assertThat(lastReply().getDomAttribute("data-finish-reason")).isEqualTo("tool_calls");
	}

	@Test
	void reloadShowsEveryFinishedReplyAsItWas(TestInfo test) throws IOException {
		send("What's the weather in Lisbon?");
		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));
		send("Explain server-sent events in two sentences.");
		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));
		send("Show me what a failure looks like: demo:error");
		waitFor().until((browser) -> "error".equals(lastReply().getDomAttribute("data-state")));
		String before = conversationHtml();

		driver.navigate().refresh();
		waitFor().until(ExpectedConditions.elementToBeClickable(By.id("send")));

		screenshot(test, false);
		assertThat(driver.findElements(By.cssSelector(".message.user"))).hasSize(3);
		List<WebElement> replies = driver.findElements(By.cssSelector(".message.assistant"));
		assertThat(replies).as("replies after the reload").hasSize(3);
		assertThat(replies.get(0).findElements(By.className("tool"))).as("the reply that was only a tool call")
			.hasSize(1);
		assertThat(replies.get(1).findElement(By.className("stats")).getText()).contains("tokens/s");
		assertThat(replies.get(2).findElements(By.className("error"))).hasSize(1);
		assertThat(conversationHtml()).isEqualTo(before);
	}

	@Test
	void resumedReplyRateCountsOnlyWhatThePageTimed(TestInfo test) throws IOException {
		// Content starts after about 40 reasoning tokens; reload when about a third of the answer is there.
		reloadOnceTheLastReplyShows(".content", 200);
		send("Explain server-sent events in two sentences.");

		awaitReloadedReplyDone();
		screenshot(test, false);
		String stats = lastReply().findElement(By.className("stats")).getText();
		Matcher rate = Pattern.compile("([0-9.]+) tokens/s").matcher(stats);
		assertThat(rate.find()).as(stats).isTrue();
		// The demo sends a token every 25 ms at most: 40 tokens a second, a little more with timer jitter.
		assertThat(Double.parseDouble(rate.group(1))).as(stats).isBetween(1.0, 46.0);
		String firstToken = reloadedStats().replaceAll(" · .*", "");
		assertThat(firstToken).as("the first-token time measured before the reload").startsWith("first token ");
		assertThat(stats).startsWith(firstToken + " · ");
	}

	@Test
	void errorAtPhoneWidthIsNotHiddenUnderTheInputBar(TestInfo test) throws IOException {
		driver.manage().window().setSize(new Dimension(390, 844));
		send("Explain server-sent events in two sentences.");
		waitFor().until((browser) -> "done".equals(lastReply().getDomAttribute("data-state")));
		// A refused request: an error box of several lines at this width, and not one token before it.
		send("Show me demo:429");
		WebElement failed = lastReply();
		waitFor().until((browser) -> "error".equals(failed.getDomAttribute("data-state")));

		screenshot(test, false);
		WebElement error = failed.findElement(By.className("error"));
		assertThat((String) driver.executeScript(COVERED, error)).as(error.getText()).isEmpty();
		Long overflow = (Long) driver.executeScript(
				"return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
		assertThat(overflow).as("horizontal overflow in pixels").isZero();
	}

	@Test
	void pageHasAFaviconAndFaviconIcoIsServed() {
		String icon = (String) driver.executeScript(
				"const link = document.querySelector('link[rel~=icon]'); return link ? link.href : '';");
		assertThat(icon).as("the page's icon link").isNotEmpty();
		assertThat(imageWidth(icon)).as(icon).isPositive();
		assertThat(imageWidth("http://127.0.0.1:" + this.port + "/favicon.ico")).as("/favicon.ico").isPositive();
	}

	/**
	 * Why an element is not fully seen: empty when its rectangle lies inside the viewport and above the input bar,
	 * and the element itself is what shows near its corners (inside their rounding) and at its center.
	 */
	private static final String COVERED = """
			const node = arguments[0];
			const box = node.getBoundingClientRect();
			const bar = document.getElementById('composer').getBoundingClientRect();
			if (box.top < 0 || box.bottom > bar.top) {
			  return `box ${box.top}..${box.bottom} is not above the input bar at ${bar.top}`;
			}
			for (const [x, y] of [[box.left + 10, box.top + 10], [box.right - 10, box.bottom - 10],
			    [(box.left + box.right) / 2, (box.top + box.bottom) / 2]]) {
			  const seen = document.elementFromPoint(x, y);
			  if (!seen || !node.contains(seen)) {
			    return `at ${x},${y} the page shows ${seen ? seen.outerHTML.slice(0, 80) : 'nothing'}`;
			  }
			}
			return '';
			""";

	/** Reloads the page from inside it as soon as the selected part of the newest reply has some text. */
	private static void reloadOnceTheLastReplyShows(String selector, int length) {
		driver.executeScript("""
				const [selector, length] = arguments;
				window.reloadArmed = true;
				const watch = new MutationObserver(() => {
				  const replies = document.querySelectorAll('.message.assistant');
				  const reply = replies[replies.length - 1];
				  const part = reply && reply.querySelector(selector);
				  if (part && part.textContent.length >= length) {
				    watch.disconnect();
				    sessionStorage.setItem('test.reloaded', JSON.stringify({
				      html: reply.innerHTML, stats: reply.querySelector('.stats').textContent }));
				    location.reload();
				  }
				});
				watch.observe(document.getElementById('conversation'),
				  { subtree: true, childList: true, characterData: true });
				""", selector, length);
	}

	private static void awaitReloadedReplyDone() {
		waitFor().ignoring(StaleElementReferenceException.class)
			.until((browser) -> driver.executeScript("return window.reloadArmed === undefined "
					+ "&& sessionStorage.getItem('test.reloaded') !== null;") == Boolean.TRUE
					&& !"streaming".equals(lastReply().getDomAttribute("data-state")));
		assertThat(lastReply().getDomAttribute("data-state")).isEqualTo("done");
	}

	private static String reloadedAt() {
		return (String) driver.executeScript("return JSON.parse(sessionStorage.getItem('test.reloaded')).html;");
	}

	private static String reloadedStats() {
		return (String) driver.executeScript("return JSON.parse(sessionStorage.getItem('test.reloaded')).stats;");
	}

	private static String conversationHtml() {
		return (String) driver.executeScript("return document.getElementById('conversation').innerHTML;");
	}

	private static long imageWidth(String url) {
		Object width = driver.executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				const image = new Image();
				image.onload = () => done(image.naturalWidth);
				image.onerror = () => done(0);
				image.src = arguments[0];
				""", url);
		return ((Number) width).longValue();
	}

	private void send(String prompt) {
		WebElement input = driver.findElement(By.id("prompt"));
		input.sendKeys(prompt);
		driver.findElement(By.id("send")).click();
		waitFor().until((browser) -> lastReplyText(prompt));
	}

	private static boolean lastReplyText(String prompt) {
		List<WebElement> questions = driver.findElements(By.cssSelector(".message.user"));
		return !questions.isEmpty() && questions.get(questions.size() - 1).getText().equals(prompt);
	}

	private static String reasoning(WebElement reply) {
		return (String) driver.executeScript("return arguments[0].querySelector('.reasoning .text').textContent;", reply);
	}

	private static WebElement lastReply() {
		List<WebElement> replies = driver.findElements(By.cssSelector(".message.assistant"));
		return replies.get(replies.size() - 1);
	}

	private static WebDriverWait waitFor() {
		return new WebDriverWait(driver, WAIT);
	}

	private static void screenshot(TestInfo test, boolean forReadme) throws IOException {
		Path directory = Files.createDirectories(Path.of("target", "screenshots"));
		Path file = directory.resolve(test.getTestMethod().orElseThrow().getName() + ".png");
		Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
		if (forReadme) {
			Files.copy(file, directory.resolve("chat-page.png"), StandardCopyOption.REPLACE_EXISTING);
		}
	}

}
