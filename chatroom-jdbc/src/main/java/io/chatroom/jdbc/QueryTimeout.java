package io.chatroom.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Query timeouts on the statements of one transaction, that leave the connection as they
 * found it. On most drivers a query timeout belongs to its statement; on H2,
 * {@link Statement#setQueryTimeout} sets the whole session's {@code QUERY_TIMEOUT}, which
 * would outlive the statement in the pool (or in the embedder's connection): {@link #close}
 * puts the session's value back, in the same transaction, before its commit.
 */
final class QueryTimeout implements AutoCloseable {

    static final String H2_SETTING =
            "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT'";

    private final Connection c;
    private final boolean h2;
    /** H2's session timeout in ms before the first {@link #apply}; null until then, and elsewhere. */
    private Long h2Before;

    private QueryTimeout(Connection c, boolean h2) {
        this.c = c;
        this.h2 = h2;
    }

    static QueryTimeout on(Connection c) throws SQLException {
        return new QueryTimeout(c, "H2".equals(c.getMetaData().getDatabaseProductName()));
    }

    /** Gives {@code s} a query timeout of {@code seconds}. */
    void apply(Statement s, int seconds) throws SQLException {
        if (h2 && h2Before == null) {
            try (Statement read = c.createStatement(); ResultSet r = read.executeQuery(H2_SETTING)) {
                h2Before = r.next() ? Long.parseLong(r.getString(1)) : 0L;
            }
        }
        s.setQueryTimeout(seconds);
    }

    /** Puts H2's session timeout back as it was; nothing to do elsewhere. */
    @Override
    public void close() throws SQLException {
        if (h2Before != null) {
            try (Statement s = c.createStatement()) {
                s.execute("SET QUERY_TIMEOUT " + h2Before);
            }
            h2Before = null;
        }
    }
}
