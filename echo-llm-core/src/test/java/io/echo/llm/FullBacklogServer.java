package io.echo.llm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A listening socket that never accepts and whose backlog is already full, so that the kernel drops further SYNs
 * and a client's connect hangs until its connect timeout.
 */
final class FullBacklogServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final Socket first = new Socket();

	private final Socket second = new Socket();

	FullBacklogServer() throws IOException {
		this.serverSocket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
				this.serverSocket.getLocalPort());
		this.first.connect(address, 1000);
		this.second.connect(address, 1000);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/v1";
	}

	@Override
	public void close() throws IOException {
		this.first.close();
		this.second.close();
		this.serverSocket.close();
	}

}
