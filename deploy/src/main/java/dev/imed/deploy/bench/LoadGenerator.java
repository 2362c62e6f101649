package dev.imed.deploy.bench;

import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * The benchmark's client, run in its own JVM: {@code concurrency} threads post real digit PNGs to
 * {@code /v1/predict} with closed-loop load (each waits for its answer before the next request) until
 * {@code requests} have been measured or {@code maxSeconds} pass, after {@code warmup} unmeasured
 * ones. Prints one {@code RESULT} line.
 *
 * <p>Usage: {@code LoadGenerator URL CONCURRENCY REQUESTS WARMUP MAX_SECONDS}
 */
public final class LoadGenerator {
    private LoadGenerator() {}

    /** The parsed {@code RESULT} line. */
    public record Result(int requests, int errors, double seconds, double throughput, double p50Ms, double p90Ms, double p99Ms) {
        static Result parse(String line) {
            String[] fields = line.substring("RESULT ".length()).split(" ");
            double[] values = new double[fields.length];
            for (int i = 0; i < fields.length; i++) {
                values[i] = Double.parseDouble(fields[i].substring(fields[i].indexOf('=') + 1));
            }
            return new Result((int) values[0], (int) values[1], values[2], values[3], values[4], values[5], values[6]);
        }

        String line() {
            return String.format(Locale.ROOT, "RESULT requests=%d errors=%d seconds=%.3f rps=%.1f p50=%.3f p90=%.3f p99=%.3f",
                    requests, errors, seconds, throughput, p50Ms, p90Ms, p99Ms);
        }
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0] + "/v1/predict");
        int concurrency = Integer.parseInt(args[1]);
        int requests = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        long maxNanos = Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        if (!url.getHost().equals("127.0.0.1") && !url.getHost().equals("localhost")) {
            throw new IllegalArgumentException("the load generator only targets loopback, not " + url.getHost());
        }
        List<byte[]> images = digits(256);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        AtomicInteger issued = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong measuredStart = new AtomicLong();
        long[] latencies = new long[requests];
        AtomicInteger measured = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> workers = new ArrayList<>();
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
                    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(images.get(n % images.size()))).build();
                    long sent = System.nanoTime();
                    boolean ok;
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        ok = response.statusCode() == 200 && response.body().contains("\"modelVersion\"");
                    } catch (IOException e) {
                        ok = false;
                    }
                    long took = System.nanoTime() - sent;
                    if (n >= warmup) {
                        if (!ok) {
                            errors.incrementAndGet();
                        }
                        int slot = measured.getAndIncrement();
                        if (slot < latencies.length) {
                            latencies[slot] = took;
                        }
                    }
                }
                return null;
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
        double seconds = (end - (measuredStart.get() == 0 ? start : measuredStart.get())) / 1e9;
        System.out.println(new Result(count, errors.get(), seconds, count / seconds,
                percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99)).line());
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)));
        return sorted[index] / 1e6;
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
