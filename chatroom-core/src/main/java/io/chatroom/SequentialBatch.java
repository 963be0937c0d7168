package io.chatroom;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default {@link ClientSink#sendBatch}: sends the frames one after another with
 * {@link ClientSink#send}, each once the previous one has completed, and completes the
 * batch's callback once, after the last frame or at the first failure.
 *
 * <p>A send may complete on the calling thread, inside {@code send}; the next frame is then
 * sent by the loop already running rather than from inside the completion, so that a batch
 * never deepens the stack. {@link #turns} hands the loop from thread to thread: whoever
 * raises it from 0 runs the loop, and the loop goes on while completions arrived meanwhile.
 */
final class SequentialBatch implements WriteCallback {

    private final ClientSink sink;
    private final List<Frame> frames;
    private final WriteCallback callback;
    /** Completions not yet acted on, plus one while the loop runs. */
    private final AtomicInteger turns = new AtomicInteger(1);
    /** The next frame to send; owned by the thread running the loop. */
    private int next;

    private SequentialBatch(ClientSink sink, List<Frame> frames, WriteCallback callback) {
        this.sink = sink;
        this.frames = frames;
        this.callback = callback;
    }

    static void start(ClientSink sink, List<Frame> frames, WriteCallback callback) {
        new SequentialBatch(sink, frames, callback).loop();
    }

    private void loop() {
        do {
            if (next == frames.size()) {
                callback.succeeded();
                return;
            }
            sink.send(frames.get(next++), this);
        } while (turns.decrementAndGet() != 0);
    }

    @Override
    public void succeeded() {
        if (turns.getAndIncrement() == 0) {
            loop();
        }
    }

    /** Called at most once: nothing more is sent after a failure. */
    @Override
    public void failed(Throwable cause) {
        callback.failed(cause);
    }
}
