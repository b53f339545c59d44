package io.echo.llm.sample.demo;

import java.io.IOException;
import java.net.URI;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends requests for {@code http://127.0.0.1:0/demo/v1/...} (after the context path, if any) to the port this application actually listens on
 * ({@code local.server.port}, known once the server has started). Port 0 cannot be connected to, so no other request
 * is touched.
 */
final class DemoBaseUrlInterceptor implements ClientHttpRequestInterceptor {

	private final Environment environment;

	DemoBaseUrlInterceptor(Environment environment) {
		this.environment = environment;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		URI uri = request.getURI();
		Integer localPort = this.environment.getProperty("local.server.port", Integer.class);
		if (uri.getPort() != 0 || localPort == null || !uri.getPath().contains(DemoProvider.PATH + "/")) {
			return execution.execute(request, body);
		}
		URI local = UriComponentsBuilder.fromUri(uri).port(localPort).build(true).toUri();
		return execution.execute(new HttpRequestWrapper(request) {

			@Override
			public URI getURI() {
				return local;
			}

		}, body);
	}

}
