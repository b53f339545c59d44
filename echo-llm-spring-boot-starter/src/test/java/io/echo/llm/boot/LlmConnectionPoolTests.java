package io.echo.llm.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.echo.llm.HttpRequests;
import io.echo.llm.LlmCallListener;
import io.echo.llm.ProcSockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Apache client that Boot builds for LLM calls closes pooled connections the server closed while they sat idle:
 * classic Apache HttpClient never reads a pooled connection, so without eviction each stays half-closed
 * ({@code CLOSE_WAIT}) until it is leased again, which may be never.
 */
@Timeout(60)
class LlmConnectionPoolTests {

	private static final int CONNECTIONS = 4;

	// Not API: ApacheHttpClients reads it so that tests need not wait for the 10 s default.
	private static final String MAX_IDLE_PROPERTY = "echo.llm.http.max-idle-ms";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class));

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private ServerSocket server;

	@AfterEach
	void stop() throws IOException {
		System.clearProperty(MAX_IDLE_PROPERTY);
		this.threads.shutdownNow();
		if (this.server != null) {
			this.server.close();
		}
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	@Test
	void connectionsTheServerClosedWhileIdleInThePoolAreClosedByTheClientToo() throws Exception {
		assumeThat(Path.of("/proc/self/net/tcp")).exists();
		System.setProperty(MAX_IDLE_PROPERTY, "1000");
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.threads.execute(this::acceptLoop);
		this.runner.run((context) -> {
			RestClient client = RestClient.builder().requestFactory(requestFactory(context)).build();
			String uri = "http://127.0.0.1:" + this.server.getLocalPort() + "/v1/chat/completions";
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < CONNECTIONS; i++) {
				calls.add(CompletableFuture.supplyAsync(() -> client.post().uri(uri).body("{}").retrieve()
					.body(String.class), this.threads));
			}
			for (CompletableFuture<String> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			while (!this.sockets.isEmpty() && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			assertThat(this.sockets).as("connections the server still holds open").isEmpty();
			while (ProcSockets.closeWaitTo(this.server.getLocalPort()) > 0 && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertThat(ProcSockets.closeWaitTo(this.server.getLocalPort())).as("sockets in CLOSE_WAIT").isZero();
		});
	}

	private ClientHttpRequestFactory requestFactory(ApplicationContext context) {
		ObjectProvider<ClientHttpRequestFactoryBuilder<?>> builders = context
			.getBeanProvider(ResolvableType.forClass(ClientHttpRequestFactoryBuilder.class));
		LlmStreamServiceFactory factory = new LlmStreamServiceFactory(context.getBeanProvider(RestClient.Builder.class),
				builders, context.getBeanProvider(HttpClientSettings.class),
				context.getBeanProvider(LlmCallListener.class));
		return factory.requestFactoryBuilder().build(HttpClientSettings.defaults());
	}

	private void acceptLoop() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.sockets.add(socket);
				this.threads.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	/**
	 * Answers requests on one connection, each after a pause (so that the calls overlap and open a connection each),
	 * and closes the connection once it stayed idle for 300 ms, as servers close idle keep-alive connections.
	 */
	private void serve(Socket socket) {
		try (socket) {
			socket.setSoTimeout(300);
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			while (HttpRequests.read(in) != null) {
				Thread.sleep(200);
				out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
					.getBytes(StandardCharsets.ISO_8859_1));
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// Idle past the keep-alive, or the test ended: close.
		}
		finally {
			this.sockets.remove(socket);
		}
	}

}
