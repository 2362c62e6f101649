package dev.imed.deploy.bench;

import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * The benchmark's client, run in its own JVM: {@code concurrency} threads send requests with
 * closed-loop load (each waits for its answer before the next request) until {@code requests} have
 * been measured or {@code maxSeconds} pass, after {@code warmup} unmeasured ones. Prints one
 * {@code RESULT} line. Targets are loopback only.
 *
 * <p>Targets: {@code predict} posts real digit PNGs to {@code /v1/predict} and checks every answer is a
 * 200 with a prediction; {@code live} gets {@code /v2/health/live}, the floor of an HTTP round trip here.
 *
 * <p>Each thread keeps one HTTP/1.1 connection and talks over a blocking socket: one write, one read,
 * no other thread involved. The JDK's {@code java.net.http.HttpClient} hands every exchange between
 * its selector thread and an executor; on 2 busy cores those hand-overs alone measured 3.6 ms per
 * request at p50 (0.16 ms for the same GET over a plain socket), which would be charged to the server.
 *
 * <p>Usage: {@code LoadGenerator URL CONCURRENCY REQUESTS WARMUP MAX_SECONDS [predict|live]}
 */
public final class LoadGenerator {
    private static final int TIMEOUT_MS = 30_000;

    private LoadGenerator() {}

    /**
     * The parsed {@code RESULT} line. {@code serverP50Ms} is the p50 of the {@code latencyMs} the server
     * reported (from receiving the request to having the prediction), NaN for targets that report none.
     */
    public record Result(int requests, int errors, double seconds, double throughput, double p50Ms, double p90Ms, double p99Ms,
                         double serverP50Ms) {
        static Result parse(String line) {
            Map<String, Double> values = new LinkedHashMap<>();
            for (String field : line.substring("RESULT ".length()).trim().split(" ")) {
                int eq = field.indexOf('=');
                values.put(field.substring(0, eq), Double.parseDouble(field.substring(eq + 1)));
            }
            return new Result(values.get("requests").intValue(), values.get("errors").intValue(), values.get("seconds"),
                    values.get("rps"), values.get("p50"), values.get("p90"), values.get("p99"), values.get("server_p50"));
        }

        String line() {
            return String.format(Locale.ROOT, "RESULT requests=%d errors=%d seconds=%.3f rps=%.1f p50=%.3f p90=%.3f p99=%.3f server_p50=%.3f",
                    requests, errors, seconds, throughput, p50Ms, p90Ms, p99Ms, serverP50Ms);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: LoadGenerator URL CONCURRENCY REQUESTS WARMUP MAX_SECONDS [predict|live]");
        }
        URI url = URI.create(args[0]);
        int concurrency = Integer.parseInt(args[1]);
        int requests = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        long maxNanos = Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        String target = args.length > 5 ? args[5] : "predict";
        if (!url.getHost().equals("127.0.0.1") && !url.getHost().equals("localhost")) {
            throw new IllegalArgumentException("the load generator only targets loopback, not " + url.getHost());
        }
        if (!target.equals("predict") && !target.equals("live")) {
            throw new IllegalArgumentException("unknown target '" + target + "': use predict or live");
        }
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
        List<byte[]> messages = target.equals("live") ? List.of(get("/v2/health/live")) : predictRequests(digits(256));

        AtomicInteger issued = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong measuredStart = new AtomicLong();
        long[] latencies = new long[requests];
        double[] serverMs = new double[requests];
        AtomicInteger measured = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            workers.add(pool.submit(() -> {
                Connection connection = new Connection(address);
                try {
                    while (System.nanoTime() - start < maxNanos) {
                        int n = issued.getAndIncrement();
                        if (n >= warmup + requests) {
                            return null;
                        }
                        if (n == warmup) {
                            measuredStart.set(System.nanoTime());
                        }
                        long sent = System.nanoTime();
                        String body = connection.exchange(messages.get(n % messages.size()));
                        long took = System.nanoTime() - sent;
                        boolean ok = body != null && (target.equals("live") || body.contains("\"modelVersion\""));
                        if (n >= warmup) {
                            if (!ok) {
                                errors.incrementAndGet();
                            }
                            int slot = measured.getAndIncrement();
                            if (slot < latencies.length) {
                                latencies[slot] = took;
                                serverMs[slot] = ok ? latencyMs(body) : Double.NaN;
                            }
                        }
                    }
                    return null;
                } finally {
                    connection.close();
                }
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        long end = System.nanoTime();
        pool.shutdown();
        int count = Math.min(measured.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        double[] server = Arrays.stream(serverMs, 0, count).filter(v -> !Double.isNaN(v)).sorted().toArray();
        double serverP50 = server.length == 0 ? Double.NaN : server[(int) Math.round(0.5 * (server.length - 1))];
        double seconds = (end - (measuredStart.get() == 0 ? start : measuredStart.get())) / 1e9;
        // The client runs in its own process: this line on its standard output is how the benchmark reads the result.
        System.out.println(new Result(count, errors.get(), seconds, count / seconds,
                percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99), serverP50).line());
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)));
        return sorted[index] / 1e6;
    }

    /** The {@code latencyMs} field of a prediction, NaN if there is none. */
    static double latencyMs(String body) {
        int at = body.indexOf("\"latencyMs\":");
        if (at < 0) {
            return Double.NaN;
        }
        int from = at + "\"latencyMs\":".length();
        int to = from;
        while (to < body.length() && "0123456789.eE+-".indexOf(body.charAt(to)) >= 0) {
            to++;
        }
        try {
            return Double.parseDouble(body.substring(from, to));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * One keep-alive HTTP/1.1 connection over a blocking socket, reopened after a failure. It reads
     * what this server sends: a status line, headers, then a Content-Length or chunked body.
     */
    static final class Connection {
        private final InetSocketAddress address;
        private Socket socket;
        private OutputStream out;
        private InputStream in;

        Connection(InetSocketAddress address) {
            this.address = address;
        }

        /** Sends one request; the body of a 200 response, or null for any other status or an I/O failure. */
        String exchange(byte[] request) {
            try {
                if (socket == null) {
                    open();
                }
                out.write(request);
                out.flush();
                return readResponse();
            } catch (IOException e) {
                close();
                return null;
            }
        }

        private void open() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.connect(address, TIMEOUT_MS);
            out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        private String readResponse() throws IOException {
            String status = readLine();
            if (!status.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean closing = false;
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring("content-length:".length()).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true;
                }
            }
            byte[] body;
            if (chunked) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int size = Integer.parseInt(readLine().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) {
                    all.write(readExactly(size));
                    readLine();
                }
                while (!readLine().isEmpty()) {
                    // trailers
                }
                body = all.toByteArray();
            } else if (length >= 0) {
                body = readExactly(length);
            } else {
                throw new IOException("a response without Content-Length or chunked encoding");
            }
            if (closing) {
                close();
            }
            return code == 200 ? new String(body, StandardCharsets.UTF_8) : null;
        }

        private byte[] readExactly(int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new EOFException("the connection closed within a response body");
            }
            return bytes;
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("the connection closed within a response");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing a broken connection: nothing left to do with it.
                }
                socket = null;
            }
        }
    }

    private static byte[] get(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Each image as a complete request: headers and body in one write. */
    private static List<byte[]> predictRequests(List<byte[]> images) {
        List<byte[]> requests = new ArrayList<>(images.size());
        for (byte[] image : images) {
            byte[] head = ("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: "
                    + image.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + image.length);
            System.arraycopy(image, 0, request, head.length, image.length);
            requests.add(request);
        }
        return requests;
    }

    private static List<byte[]> digits(int count) {
        InMemoryDomain mnist = DigitDomains.open("mnist5k");
        List<byte[]> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(mnist.load(i * (mnist.size() / count)), "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            images.add(out.toByteArray());
        }
        return images;
    }
}
