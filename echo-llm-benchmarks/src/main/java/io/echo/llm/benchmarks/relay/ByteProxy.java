package io.echo.llm.benchmarks.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The least a relay can do: a TCP proxy that copies bytes between each client and its own upstream connection,
 * with no HTTP, no SSE and no JSON. Run in its own JVM by the relay benchmark's reference modes, it measures what
 * the machine charges for relaying a token at all (a {@code read} of the upstream and a {@code write} to the client
 * on loopback, and waking whoever reads), so that the relay's CPU per token can be set against it.
 * <ul>
 * <li>{@code --model=nio}: one thread, one selector, every connection; the cheapest design.</li>
 * <li>{@code --model=threads}: two virtual threads per connection, blocking copies: the relay's own thread model
 * (a thread per stream that parks between tokens).</li>
 * </ul>
 * Arguments are {@code --name=value}: {@code server.port}, {@code server.address}, {@code upstream} (a URL, of which
 * the host and port are used) and {@code model}; others are ignored.
 */
public final class ByteProxy {

	private static final int BUFFER = 16 * 1024;

	private ByteProxy() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (arg.startsWith("--") && equals > 0) {
				options.put(arg.substring(2, equals), arg.substring(equals + 1));
			}
		}
		URI upstream = URI.create(options.get("upstream"));
		InetSocketAddress target = new InetSocketAddress(upstream.getHost(), upstream.getPort());
		InetSocketAddress local = new InetSocketAddress(
				InetAddress.getByName(options.getOrDefault("server.address", "127.0.0.1")),
				Integer.parseInt(options.get("server.port")));
		if ("threads".equals(options.get("model"))) {
			threads(local, target);
		}
		else {
			nio(local, target);
		}
	}

	// ---- one selector ----

	private static void nio(InetSocketAddress local, InetSocketAddress target) throws IOException {
		Selector selector = Selector.open();
		ServerSocketChannel server = ServerSocketChannel.open();
		server.bind(local, 8192);
		server.configureBlocking(false);
		server.register(selector, SelectionKey.OP_ACCEPT);
		while (true) {
			selector.select();
			for (SelectionKey key : selector.selectedKeys()) {
				if (!key.isValid()) {
					// Closed earlier in this round, with the other end of its connection pair.
					continue;
				}
				try {
					if (key.isAcceptable()) {
						accept(server, selector, target);
					}
					else {
						Pipe pipe = (Pipe) key.attachment();
						if (key.isValid() && key.isWritable()) {
							pipe.peer.drain();
						}
						if (key.isValid() && key.isReadable()) {
							pipe.fill();
						}
					}
				}
				catch (IOException ex) {
					((Pipe) key.attachment()).close();
				}
			}
			selector.selectedKeys().clear();
		}
	}

	private static void accept(ServerSocketChannel server, Selector selector, InetSocketAddress target)
			throws IOException {
		SocketChannel client;
		while ((client = server.accept()) != null) {
			SocketChannel upstream = SocketChannel.open(target);
			for (SocketChannel channel : new SocketChannel[] { client, upstream }) {
				channel.configureBlocking(false);
				channel.socket().setTcpNoDelay(true);
			}
			Pipe fromClient = new Pipe(client, upstream);
			Pipe fromUpstream = new Pipe(upstream, client);
			fromClient.peer = fromUpstream;
			fromUpstream.peer = fromClient;
			fromClient.key = client.register(selector, SelectionKey.OP_READ, fromClient);
			fromUpstream.key = upstream.register(selector, SelectionKey.OP_READ, fromUpstream);
		}
	}

	/**
	 * One direction: reads its source into a buffer and writes that to the destination. When the destination does not
	 * take it all, stops reading until it has (the destination's key then waits for room, and drains this pipe).
	 */
	private static final class Pipe {

		private final SocketChannel source;

		private final SocketChannel destination;

		private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);

		private SelectionKey key;

		private Pipe peer;

		Pipe(SocketChannel source, SocketChannel destination) {
			this.source = source;
			this.destination = destination;
		}

		void fill() throws IOException {
			int read = this.source.read(this.buffer);
			if (read < 0) {
				close();
				return;
			}
			drain();
		}

		// Called for this pipe when its destination (the peer's source) can take more, and after every read.
		void drain() throws IOException {
			this.buffer.flip();
			this.destination.write(this.buffer);
			boolean pending = this.buffer.hasRemaining();
			this.buffer.compact();
			// Each key reads for its own pipe and waits for room for the other pipe: change only this pipe's bits.
			int own = this.key.interestOps();
			this.key.interestOps(pending ? own & ~SelectionKey.OP_READ : own | SelectionKey.OP_READ);
			int peers = this.peer.key.interestOps();
			this.peer.key.interestOps(pending ? peers | SelectionKey.OP_WRITE : peers & ~SelectionKey.OP_WRITE);
		}

		void close() {
			for (SelectionKey each : new SelectionKey[] { this.key, this.peer.key }) {
				each.cancel();
				try {
					each.channel().close();
				}
				catch (IOException ex) {
					// Closing both ends of a connection pair the other side already left.
				}
			}
		}

	}

	// ---- a virtual thread per direction ----

	private static void threads(InetSocketAddress local, InetSocketAddress target) throws Exception {
		// Java 21's API, reached by reflection: the benchmarks compile for Java 17.
		ExecutorService executor = (ExecutorService) java.util.concurrent.Executors.class
			.getMethod("newVirtualThreadPerTaskExecutor")
			.invoke(null);
		try (ServerSocket server = new ServerSocket()) {
			server.bind(local, 8192);
			while (true) {
				Socket client = server.accept();
				Socket upstream = new Socket(target.getAddress(), target.getPort());
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				executor.execute(() -> copy(client, upstream));
				executor.execute(() -> copy(upstream, client));
			}
		}
	}

	private static void copy(Socket from, Socket to) {
		byte[] buffer = new byte[BUFFER];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// The other direction closed the sockets: the connection is over.
		}
		finally {
			try {
				from.close();
				to.close();
			}
			catch (IOException ex) {
				// Already closed by the other direction.
			}
		}
	}

}
