package dev.baton.actors.stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class CpuStreamTest {
    private final List<CpuStream> streams = new ArrayList<>();
    private final List<ExecutedCommand> executed = new CopyOnWriteArrayList<>();

    private CpuStream stream(String name, Duration timeout) {
        CpuStream s = new CpuStream("cpu:0", 0, name, timeout, executed::add, Delays.NONE);
        streams.add(s);
        return s;
    }

    @AfterEach
    void close() {
        streams.forEach(CpuStream::close);
    }

    private static CommandInfo info(String p) {
        return CommandInfo.compute(3, CommandKind.OTHER, p);
    }

    @Test
    void commandsRunInEnqueueOrder() {
        CpuStream s = stream("compute", Duration.ofSeconds(5));
        List<Integer> order = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 200; i++) {
            int k = i;
            s.enqueue(info("c" + i), () -> order.add(k));
        }
        s.record().await(Duration.ofSeconds(5));
        for (int i = 0; i < 200; i++) {
            assertEquals(i, order.get(i));
        }
        assertEquals(200, executed.size());
        for (int i = 1; i < executed.size(); i++) {
            assertTrue(executed.get(i).startNanos() >= executed.get(i - 1).endNanos(), "commands of one stream never overlap");
        }
    }

    @Test
    void waitingOnAnEventParksTheStreamNotTheCaller() throws Exception {
        CpuStream a = stream("compute", Duration.ofSeconds(5));
        CpuStream b = stream("comm", Duration.ofSeconds(5));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger aDone = new AtomicInteger();
        a.enqueue(info("slow"), () -> {
            release.await();
            aDone.set(1);
        });
        Event aEvent = a.record();
        long t0 = System.nanoTime();
        b.waitFor(aEvent);
        AtomicInteger seenByB = new AtomicInteger(-1);
        b.enqueue(info("after"), () -> seenByB.set(aDone.get()));
        Event bEvent = b.record();
        long enqueueMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(enqueueMillis < 100, "enqueueing a wait must not block the caller, took " + enqueueMillis + " ms");
        Thread.sleep(50);
        assertFalse(aEvent.isDone());
        assertFalse(bEvent.isDone(), "b must wait for a's event");
        release.countDown();
        bEvent.await(Duration.ofSeconds(5));
        assertEquals(1, seenByB.get(), "b's command ran after a's command finished");
        ExecutedCommand after = executed.stream().filter(c -> c.info().param().equals("after")).findFirst().orElseThrow();
        assertEquals(List.of("compute#0"), after.waits(), "the recorder sees which event the command waited for");
    }

    @Test
    void aFailureIsStickyAndNamesDeviceStreamAndCommand() {
        CpuStream s = stream("compute", Duration.ofSeconds(5));
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        s.onFailure(reported::add);
        AtomicInteger ran = new AtomicInteger();
        s.enqueue(new CommandInfo(7, CommandKind.UPDATE, "attn", 0, -1), () -> {
            throw new IllegalStateException("bad shard");
        });
        s.enqueue(info("later"), ran::incrementAndGet);
        Event e = s.record();
        CompletionException ex = assertThrows(CompletionException.class, () -> e.completion().toCompletableFuture().join());
        String msg = ex.getCause().getMessage();
        assertTrue(msg.contains("cpu:0") && msg.contains("compute") && msg.contains("update attn (step 7)")
                && msg.contains("IllegalStateException: bad shard"), msg);
        assertEquals(0, ran.get(), "commands after a failure are skipped");
        assertEquals(1, reported.size());
        assertNotNull(s.failure());
        assertThrows(StreamFailure.class, () -> s.record().await(Duration.ofSeconds(1)), "later events fail too");
    }

    @Test
    void aWaitThatNeverEndsTimesOutWithAMessage() {
        CpuStream s = stream("comm", Duration.ofMillis(100));
        DeviceEvent never = new DeviceEvent("cpu:1/compute", 4);
        s.waitFor(never);
        s.enqueue(info("x"), () -> { });
        StreamFailure f = assertThrows(StreamFailure.class, () -> s.record().await(Duration.ofSeconds(5)));
        assertTrue(f.getMessage().contains("did not fire within 100 ms") && f.getMessage().contains("cpu:1/compute#4"),
                f.getMessage());
    }

    @Test
    void aFailedEventFailsTheStreamWaitingOnIt() {
        CpuStream a = stream("compute", Duration.ofSeconds(5));
        CpuStream b = stream("comm", Duration.ofSeconds(5));
        a.enqueue(info("boom"), () -> {
            throw new ArithmeticException("nan in loss");
        });
        b.waitFor(a.record());
        AtomicInteger ran = new AtomicInteger();
        b.enqueue(info("collective"), ran::incrementAndGet);
        StreamFailure f = assertThrows(StreamFailure.class, () -> b.record().await(Duration.ofSeconds(5)));
        assertTrue(f.getMessage().contains("nan in loss"), f.getMessage());
        assertEquals(0, ran.get());
        assertTrue(StreamFailure.rootCause(b.failure()) instanceof ArithmeticException);
    }

    @Test
    void abortInterruptsARunningWaitAtOnce() throws Exception {
        CpuStream s = stream("comm", Duration.ofSeconds(30));
        s.waitFor(new DeviceEvent("cpu:1/compute", 0));
        Event e = s.record();
        Thread.sleep(20);
        long t0 = System.nanoTime();
        s.abort(new StreamFailure("run stopped"));
        assertThrows(StreamFailure.class, () -> e.await(Duration.ofSeconds(5)));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000);
        assertEquals("run stopped", s.failure().getMessage());
    }

    @Test
    void busyTimeCountsRunningNotWaiting() throws Exception {
        CpuStream s = stream("compute", Duration.ofSeconds(5));
        s.enqueue(info("sleep"), () -> Thread.sleep(30));
        s.record().await(Duration.ofSeconds(5));
        long busy = s.busyNanos();
        assertTrue(busy >= 30_000_000L && busy < 1_000_000_000L, "busy " + busy);
    }
}
