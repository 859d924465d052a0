package dev.tollgate.benchmarks;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@code journal.fsync} costs a call, on this machine's disk: a journal is a memory-mapped file, and a
 * journaled call stores one long into it ({@code store}); with {@code fsync: always} the call then forces the
 * mapping to disk ({@code storeAndForce}, an {@code msync} system call). {@code fsync: interval} pays the force
 * once per {@code fsyncEvery} on the sync thread, not per call.
 *
 * <p>The same shape as the agent's journal (a 20 KB file, a store into a 64-byte slot), without the agent, so
 * that the number is the file system's and not the metering's. Run on {@code /tmp} by default; pass
 * {@code -Djournal.bench.dir=/path} to the forks (with {@code -jvmArgsAppend}) to measure another disk.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar JournalForceBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JournalForceBenchmark {

    private static final int SIZE = 4096 + 256 * 64;

    private Path file;
    private FileChannel channel;
    private MappedByteBuffer map;
    private long value;

    @Setup(Level.Trial)
    public void open() throws IOException {
        String where = System.getProperty("journal.bench.dir", System.getProperty("java.io.tmpdir"));
        file = Files.createTempFile(Path.of(where), "journal-bench", ".journal");
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        map = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    /** A journaled call's write with {@code fsync: interval} or {@code never}. */
    @Benchmark
    public void store() {
        map.putLong(4096 + 64, ++value);
    }

    /** The same with {@code fsync: always}. */
    @Benchmark
    public void storeAndForce() {
        map.putLong(4096 + 64, ++value);
        map.force();
    }
}
