package io.chatroom.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FlushesTest {

    @Test
    void everyFlushRunsOnceOnTheExecutorWithAtMostTheAllowedTasks() {
        Queue<Runnable> tasks = new ArrayDeque<>();
        Flushes flushes = new Flushes(tasks::add, 2);
        AtomicInteger runs = new AtomicInteger();

        for (int i = 0; i < 5; i++) {
            flushes.add(runs::incrementAndGet);
        }

        assertEquals(0, runs.get());
        assertEquals(2, tasks.size());
        tasks.poll().run();
        assertEquals(5, runs.get());
        tasks.poll().run();
        assertEquals(5, runs.get());
        assertTrue(tasks.isEmpty());
    }

    @Test
    void aFlushAddedWhileTheOnlyTaskFinishesIsNotLeftBehind() {
        Queue<Runnable> tasks = new ArrayDeque<>();
        Flushes flushes = new Flushes(tasks::add, 1);
        AtomicInteger runs = new AtomicInteger();
        // The first flush adds another while the task runs: the task takes it in the same pass.
        flushes.add(() -> {
            runs.incrementAndGet();
            flushes.add(runs::incrementAndGet);
        });

        tasks.poll().run();

        assertEquals(2, runs.get());
        assertTrue(tasks.isEmpty());
    }

    @Test
    void aStoppedExecutorFlushesOnTheCaller() {
        Flushes flushes = new Flushes(task -> {
            throw new RejectedExecutionException("stopped");
        }, 1);
        AtomicInteger runs = new AtomicInteger();

        flushes.add(runs::incrementAndGet);
        flushes.add(runs::incrementAndGet);

        assertEquals(2, runs.get());
    }

    @Test
    void flushesAddedFromManyThreadsAllRun() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ExecutorService adders = Executors.newFixedThreadPool(4);
        try {
            Flushes flushes = new Flushes(pool, 2);
            int perThread = 20_000;
            CountDownLatch done = new CountDownLatch(4 * perThread);
            for (int t = 0; t < 4; t++) {
                adders.execute(() -> {
                    for (int i = 0; i < perThread; i++) {
                        flushes.add(done::countDown);
                    }
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "every flush ran");
        } finally {
            adders.shutdownNow();
            pool.shutdownNow();
        }
    }
}
