package io.echo.llm.benchmarks.relay;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoadDriverTests {

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	@AfterEach
	void stop() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void tokenSentTwiceCountsAsDuplicatedAndTheOneNeverSentAsLost() throws Exception {
		String token0 = "data: {\"choices\":[{\"delta\":{\"content\":\"0:" + System.nanoTime() + "\"}}]}\n\n";
		String body = token0 + token0 + "data: [DONE]\n\n";
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Future<?> serving = this.executor.submit(() -> serveOnce(server, body));
			LoadDriver driver = new LoadDriver(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/x"), "{}",
					1, 2, Duration.ZERO, Duration.ofSeconds(20));
			LoadDriver.Result result = driver.run();
			serving.get(10, TimeUnit.SECONDS);
			assertThat(result.duplicatedTokens()).isEqualTo(1);
			assertThat(result.lostTokens()).isEqualTo(1);
			assertThat(result.errors()).isEqualTo(Map.of("tokens lost", 1));
			assertThat(result.complete()).isZero();
		}
	}

	private static Void serveOnce(ServerSocket server, String body) throws Exception {
		try (Socket socket = server.accept()) {
			InputStream in = socket.getInputStream();
			// The request's head, then its two-byte body "{}".
			int matched = 0;
			String end = "\r\n\r\n";
			while (matched < end.length()) {
				int b = in.read();
				matched = (b == end.charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
			}
			in.readNBytes(2);
			OutputStream out = socket.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + body)
				.getBytes(StandardCharsets.UTF_8));
			out.flush();
			// Held open: the driver ends the stream at [DONE], not at the close.
			in.read();
		}
		return null;
	}

}
