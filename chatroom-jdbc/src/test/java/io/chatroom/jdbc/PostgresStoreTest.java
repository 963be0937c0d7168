package io.chatroom.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server (see {@link TestPostgres}), a fresh database per test. */
class PostgresStoreTest extends JdbcStoreContract {

    private static final TestPostgres PG = TestPostgres.shared();
    private String url;

    @Override
    JdbcMessageStore.Builder database() {
        if (url == null) {
            url = PG.newDatabase();
        }
        return JdbcMessageStore.builder().url(url).user(TestPostgres.USER);
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestPostgres.USER, "");
    }

    @Override
    void takeDatabaseDown() {
        PG.stop();
    }

    @Override
    void bringDatabaseBack() {
        PG.start();
    }

    @AfterEach
    void serverIsUpForTheNextTest() {
        PG.start();
    }

    /** Connections of the store's own pool break when the server stops answering, and probe an idle link. */
    @Test
    void theStoresOwnPoolTimesOutConnectsAndReadsAndKeepsTheLinkAlive() throws SQLException {
        JdbcMessageStore.Builder builder = database();
        Properties set = builder.poolConfig().getDataSourceProperties();
        assertEquals("true", set.getProperty("tcpKeepAlive"));
        assertEquals(String.valueOf(JdbcMessageStore.DEFAULT_CONNECTION_TIMEOUT.toSeconds()), set.getProperty("connectTimeout"));
        try (HikariDataSource pool = new HikariDataSource(builder.poolConfig()); Connection c = pool.getConnection()) {
            assertEquals(JdbcMessageStore.DEFAULT_STATEMENT_TIMEOUT.toMillis(), c.getNetworkTimeout(),
                    "the socket timeout of a pooled connection");
        }
    }

    /**
     * The query plans of a room's reads on 200,000 messages in 200 rooms: each walks the
     * primary key {@code (room, seq)}, never the whole table. docs/jdbc.md shows them.
     */
    @Test
    void everyQueryOfARoomWalksThePrimaryKey() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO chatroom_message (room, seq, sender, body, ts)"
                    + " SELECT 'room' || (i % 200), i / 200 + 1, 'u', 'message ' || i, i FROM generate_series(0, 199999) i");
            s.execute("ANALYZE chatroom_message");
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put("latest", Queries.LATEST);
            queries.put("since", Queries.SINCE);
            queries.put("before", Queries.BEFORE);
            queries.put("last seq", Queries.LAST_SEQ);
            for (Map.Entry<String, String> q : queries.entrySet()) {
                String plan = explain(c, q.getValue());
                System.out.println("-- " + q.getKey() + ": " + q.getValue() + "\n" + plan);
                assertTrue(plan.contains("Index") && plan.contains("chatroom_message_pkey"), plan);
                assertFalse(plan.contains("Seq Scan on chatroom_message"), plan);
            }
        }
    }

    private static String explain(Connection c, String sql) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("EXPLAIN " + sql)) {
            int params = (int) sql.chars().filter(ch -> ch == '?').count();
            for (int i = 1; i <= params; i++) {
                if (sql.equals(Queries.LAST_SEQ) || i == 1) {
                    p.setString(i, "room7");
                } else if (i == params && !sql.equals(Queries.LAST_SEQ)) {
                    p.setInt(i, 50);
                } else {
                    p.setLong(i, 500);
                }
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    plan.append(r.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
