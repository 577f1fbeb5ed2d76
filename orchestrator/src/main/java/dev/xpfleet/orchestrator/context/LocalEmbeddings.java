package dev.xpfleet.orchestrator.context;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * all-MiniLM-L6-v2 (int8) running in this process on ONNX Runtime, from the model file inside its
 * Maven jar: 384 dimensions, mean-pooled and normalised, no network. Loaded on first use (about
 * 1.5 s), then shared.
 *
 * <p>The model reads at most {@link #MAX_TOKENS} word pieces, the length it was trained on and its
 * tokenizer's own limit; longer texts are cut there, so callers that want every word embedded
 * split first ({@link Chunker} does, by {@link #tokens(String)}). Texts run one per model call, on
 * one thread each, as many at a time as there are cores: on small CPUs that beats batching
 * (padding) and beats one call spread over several threads, measured in docs/benchmarks.md. Idle
 * model threads do not spin, so they leave the cores to PostgreSQL and request threads.
 */
@Component
public class LocalEmbeddings implements AutoCloseable {

    public static final int DIMENSIONS = 384;
    public static final String MODEL = "all-MiniLM-L6-v2";
    /** Word pieces the model reads, [CLS] and [SEP] included. */
    public static final int MAX_TOKENS = 128;

    private static final Logger log = LoggerFactory.getLogger(LocalEmbeddings.class);
    private static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";

    private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private volatile Model model;
    private volatile boolean closed;

    /** One vector per text, in order; several texts are embedded in parallel. */
    public List<float[]> embed(List<String> texts) {
        if (texts.size() == 1) {
            return List.of(embed(texts.get(0)));
        }
        try {
            return embedAsync(texts).join();
        } catch (CompletionException e) {
            throw unwrapped(e);
        }
    }

    /**
     * The same, on the model's threads, so the caller can go on meanwhile. Cancelling the result
     * drops the texts whose turn has not come.
     */
    public CompletableFuture<List<float[]>> embedAsync(List<String> texts) {
        Model m = model();
        List<CompletableFuture<float[]>> parts = new ArrayList<>(texts.size());
        for (String text : texts) {
            parts.add(CompletableFuture.supplyAsync(() -> m.embed(text), m.pool));
        }
        CompletableFuture<List<float[]>> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> parts.stream().map(CompletableFuture::join).toList());
        all.whenComplete((vectors, failure) -> {
            if (failure != null) {
                parts.forEach(part -> part.cancel(false));
            }
        });
        return all;
    }

    public float[] embed(String text) {
        return model().embed(text);
    }

    /** Word pieces in the text, without the model's [CLS] and [SEP] and without cutting it. */
    public int tokens(String text) {
        return model().tokens(text);
    }

    /** Waits for running calls; every call after this fails with {@link ModelUnavailableException}. */
    @Override
    public void close() {
        Model m;
        synchronized (this) {
            closed = true;
            m = model;
        }
        if (m != null) {
            m.close();
        }
    }

    private Model model() {
        Model m = model;
        if (m == null) {
            synchronized (this) {
                if (closed) {
                    throw new ModelUnavailableException(MODEL + " was closed", null);
                }
                if (model == null) {
                    long start = System.nanoTime();
                    model = new Model(threads);
                    log.info(
                            "Loaded {} in {} ms ({} threads)", MODEL, (System.nanoTime() - start) / 1_000_000, threads);
                }
                m = model;
            }
        }
        return m;
    }

    /** The failure behind a {@link CompletionException} from {@link #embedAsync(List)}. */
    static RuntimeException unwrapped(CompletionException e) {
        return e.getCause() instanceof RuntimeException r ? r : e;
    }

    /** pgvector's text form, e.g. {@code [0.1,0.2]}. */
    static String literal(float[] vector) {
        StringBuilder s = new StringBuilder(vector.length * 12).append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(vector[i]);
        }
        return s.append(']').toString();
    }

    /**
     * The loaded session, its tokenizers and the threads that run it. The native parts are used
     * under a read lock and closed under the write lock: closing waits for the calls running in
     * them (freeing a session a thread is inside crashes the JVM), and calls that come after fail
     * with an exception.
     */
    private static final class Model implements AutoCloseable {

        private static final long CLOSE_WAIT_SECONDS = 30;

        private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final boolean wantsTokenTypes;
        private final HuggingFaceTokenizer tokenizer;
        private final HuggingFaceTokenizer counter;
        final ExecutorService pool;
        private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
        private boolean closed;

        Model(int threads) {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = environment.createSession(resource(MODEL_RESOURCE), options);
                wantsTokenTypes = session.getInputNames().contains("token_type_ids");
                tokenizer = tokenizer(
                        Map.of("padding", "false", "truncation", "true", "maxLength", String.valueOf(MAX_TOKENS)));
                counter = tokenizer(Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false"));
            } catch (OrtException e) {
                throw new ModelUnavailableException("cannot load " + MODEL + ": " + e.getMessage(), e);
            }
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "embeddings-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }

        int tokens(String text) {
            Lock lock = open();
            try {
                return counter.encode(text, false, false).getIds().length;
            } finally {
                lock.unlock();
            }
        }

        float[] embed(String text) {
            Lock lock = open();
            try {
                return run(text);
            } finally {
                lock.unlock();
            }
        }

        /** The read lock, held; the caller unlocks it. */
        private Lock open() {
            Lock lock = use.readLock();
            lock.lock();
            if (closed) {
                lock.unlock();
                throw new ModelUnavailableException(MODEL + " was closed", null);
            }
            return lock;
        }

        private float[] run(String text) {
            Encoding encoding = tokenizer.encode(text, true, false);
            long[] ids = encoding.getIds();
            long[] shape = {1, ids.length};
            long[] mask = new long[ids.length];
            Arrays.fill(mask, 1);
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
                inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
                if (wantsTokenTypes) {
                    inputs.put(
                            "token_type_ids",
                            OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    return meanPooledAndNormalised(((OnnxTensor) result.get(0)).getFloatBuffer(), ids.length);
                }
            } catch (OrtException e) {
                throw new ModelUnavailableException(MODEL + " failed: " + e.getMessage(), e);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }

        /** The mean of the tokens' last hidden states, scaled to length 1. */
        private static float[] meanPooledAndNormalised(FloatBuffer hidden, int tokens) {
            float[] mean = new float[DIMENSIONS];
            for (int t = 0; t < tokens; t++) {
                for (int d = 0; d < DIMENSIONS; d++) {
                    mean[d] += hidden.get(t * DIMENSIONS + d);
                }
            }
            double norm = 0;
            for (float v : mean) {
                norm += (double) v * v;
            }
            float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < DIMENSIONS; d++) {
                mean[d] *= scale;
            }
            return mean;
        }

        private static HuggingFaceTokenizer tokenizer(Map<String, String> options) {
            try (InputStream in = LocalEmbeddings.class.getClassLoader().getResourceAsStream(TOKENIZER_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(TOKENIZER_RESOURCE + " is not on the classpath");
                }
                return HuggingFaceTokenizer.newInstance(in, options);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static byte[] resource(String name) {
            try (InputStream in = LocalEmbeddings.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is not on the classpath");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            Lock lock = use.writeLock();
            boolean locked = false;
            try {
                locked = lock.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!locked) {
                log.warn("{} still in use after {} s; left open", MODEL, CLOSE_WAIT_SECONDS);
                pool.shutdown();
                return;
            }
            try {
                closed = true;
                session.close();
                tokenizer.close();
                counter.close();
            } catch (OrtException e) {
                log.warn("Closing {} failed: {}", MODEL, e.getMessage());
            } finally {
                lock.unlock();
            }
            pool.shutdown(); // texts still queued run, find it closed and fail at once
        }
    }
}
