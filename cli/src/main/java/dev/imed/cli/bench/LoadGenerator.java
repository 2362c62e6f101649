package dev.imed.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * The benchmark's client, run in its own JVM: {@code concurrency} threads send requests with
 * closed-loop load (each waits for its answer before the next request) until {@code requests} have
 * been measured or {@code maxSeconds} pass, after {@code warmup} unmeasured ones. Prints one
 * {@code RESULT} line. Targets are loopback only.
 *
 * <p>Targets: {@code predict} posts real digit PNGs to {@code /v1/predict} and checks every answer is a
 * 200 with a prediction; {@code live} gets {@code /v2/health/live}, the floor of an HTTP round trip here.
 *
 * <p>The client is Apache HttpClient's classic (blocking) one: each thread sends and reads on its own
 * pooled keep-alive connection, no other thread involved. The JDK's {@code java.net.http.HttpClient}
 * hands every exchange between its selector thread and an executor; on 2 busy cores those hand-overs
 * alone measured 3.6 ms per request at p50 (0.16 ms for the same GET over a plain socket), which would
 * be charged to the server.
 *
 * <p>Usage: {@code LoadGenerator URL CONCURRENCY REQUESTS WARMUP MAX_SECONDS [predict|live]}
 */
public final class LoadGenerator {
    private static final int TIMEOUT_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

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
        URI live = url.resolve("/v2/health/live");
        URI predict = url.resolve("/v1/predict");
        List<byte[]> images = target.equals("live") ? List.of() : digits(256);

        AtomicInteger issued = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong measuredStart = new AtomicLong();
        long[] latencies = new long[requests];
        double[] serverMs = new double[requests];
        AtomicInteger measured = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> workers = new ArrayList<>();
        try (CloseableHttpClient client = client(concurrency)) {
            for (int t = 0; t < concurrency; t++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() - start < maxNanos) {
                        int n = issued.getAndIncrement();
                        if (n >= warmup + requests) {
                            return null;
                        }
                        if (n == warmup) {
                            measuredStart.set(System.nanoTime());
                        }
                        // A request object per exchange: they are mutable, so threads must not share one.
                        ClassicHttpRequest request = target.equals("live") ? new HttpGet(live) : post(predict, images.get(n % images.size()));
                        long sent = System.nanoTime();
                        String body = exchange(client, request);
                        long took = System.nanoTime() - sent;
                        JsonNode prediction = target.equals("live") || body == null ? null : parse(body);
                        boolean ok = body != null && (target.equals("live") || prediction != null && prediction.has("modelVersion"));
                        if (n >= warmup) {
                            if (!ok) {
                                errors.incrementAndGet();
                            }
                            int slot = measured.getAndIncrement();
                            if (slot < latencies.length) {
                                latencies[slot] = took;
                                serverMs[slot] = ok ? latencyMs(prediction) : Double.NaN;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
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

    /** A JSON response body, or null if it is not JSON. */
    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The {@code latencyMs} field of a prediction (absent from targets without one: NaN). */
    static double latencyMs(JsonNode prediction) {
        JsonNode latency = prediction == null ? null : prediction.get("latencyMs");
        return latency != null && latency.isNumber() ? latency.asDouble() : Double.NaN;
    }

    /** One keep-alive connection per thread, no retries (a failure is counted), no compression (bodies are tiny). */
    private static CloseableHttpClient client(int concurrency) {
        Timeout timeout = Timeout.ofMilliseconds(TIMEOUT_MS);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(concurrency)
                .setMaxConnPerRoute(concurrency)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(timeout).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                .build();
        return HttpClients.custom().setConnectionManager(connections).disableAutomaticRetries().disableContentCompression()
                .disableCookieManagement().build();
    }

    /** Sends one request; the body of a 200 response, or null for any other status or an I/O failure. */
    private static String exchange(CloseableHttpClient client, ClassicHttpRequest request) {
        try {
            return client.execute(request, response -> response.getCode() == 200
                    ? EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8) : null);
        } catch (IOException e) {
            return null;
        }
    }

    private static ClassicHttpRequest post(URI url, byte[] image) {
        HttpPost post = new HttpPost(url);
        post.setEntity(new ByteArrayEntity(image, ContentType.IMAGE_PNG));
        return post;
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
