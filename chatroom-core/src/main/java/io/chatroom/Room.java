package io.chatroom;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A live chat room of a {@link Hub}: created when its first member joins and released when
 * its last member leaves. Its state is owned by one serial executor, so queries answer
 * asynchronously with a consistent snapshot.
 */
public interface Room {

    /** The room's name, as given in the handshake. */
    String name();

    /** The names of the users in the room (on every node, when clustered), sorted case-insensitively, one entry per user. */
    CompletionStage<List<String>> members();

    /** Each user in the room with their status and connection count, sorted like {@link #members()}. */
    CompletionStage<List<Member>> presence();
}
