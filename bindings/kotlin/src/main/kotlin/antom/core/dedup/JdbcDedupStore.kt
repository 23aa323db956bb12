package antom.core.dedup

import java.sql.Connection
import java.sql.DriverManager
import java.sql.SQLException
import java.util.Properties
import javax.sql.DataSource

/** Where [JdbcDedupStore] gets a connection: `dataSource::getConnection`, a pool, `DriverManager`. */
fun interface ConnectionSource {
    @Throws(SQLException::class)
    fun connection(): Connection
}

/**
 * Claims and completions in one SQL table (one row per `dedupKey`, its primary key), through
 * JDBC: **PostgreSQL** (9.5 or later) and **SQLite** (3.24 or later) with the same statements;
 * only the clock differs (PostgreSQL's `clock_timestamp()`, so every worker shares the server's
 * clock; SQLite's `julianday('now')`, this host's).
 *
 * * [claim]: one `INSERT ... ON CONFLICT (dedup_key) DO UPDATE SET token = excluded.token, ...
 *   WHERE state = 'claimed' AND expires_at_ms <= now`: a new key, or an expired claim taken
 *   over with a fresh token (the database decides: a concurrent claim of the same key waits for
 *   the first, then finds it). Otherwise the row's state is read: `done` or another's claim.
 * * [complete]: one transaction on one connection: the fenced `UPDATE ... SET state = 'done'
 *   WHERE token = ?` first (0 rows: [ClaimLostException], and the effect does not run; the row
 *   stays locked until the commit, so no other worker can take the claim over meanwhile), then
 *   your effect with that connection, then `COMMIT`. Anything thrown rolls both back. The effect
 *   must not commit, roll back or change the auto-commit mode itself.
 * * [release]: deletes the claim if it still carries this token.
 *
 * [connections]: a new (or pooled) connection per call, closed after it; every worker process
 * uses the same database. [timeoutS]: every statement's timeout (`Statement.setQueryTimeout`),
 * a lock wait included: a slow database counts as unavailable. Set the driver's own connect and
 * socket timeouts in its URL (`connectTimeout`, `socketTimeout` for pgjdbc). [dialect]: found
 * from the connection's metadata when `null`. Thread-safe.
 */
class JdbcDedupStore @JvmOverloads constructor(
    private val connections: ConnectionSource,
    /** The table's name (letters, digits, `_`). */
    table: String = "antom_dedup",
    /** The timeout of each statement, in seconds (at least 1). */
    val timeoutS: Int = 5,
    dialect: Dialect? = null,
) : DedupStore {
    /** The SQL dialect: only the clock expression differs. */
    enum class Dialect(internal val nowMs: String) {
        /** PostgreSQL: the server's clock. */
        POSTGRESQL("(floor(extract(epoch from clock_timestamp()) * 1000))::bigint"),
        /** SQLite: this host's clock. */
        SQLITE("CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"),
    }

    /** The table's name. */
    val table: String = tableName(table)

    @Volatile
    private var knownDialect: Dialect? = dialect

    init {
        require(timeoutS >= 1) { "timeoutS must be at least 1" }
    }

    /** A store over [dataSource] (a pool: HikariCP, PGSimpleDataSource, SQLiteDataSource...). */
    @JvmOverloads
    constructor(dataSource: DataSource, table: String = "antom_dedup", timeoutS: Int = 5, dialect: Dialect? = null) :
        this(ConnectionSource { dataSource.connection }, table, timeoutS, dialect)

    /** The table and the dialect only: never the connection's URL or credentials. */
    override fun toString(): String = "JdbcDedupStore(table=$table, dialect=$knownDialect)"

    private fun dialectOf(connection: Connection): Dialect {
        knownDialect?.let { return it }
        val name = connection.metaData.databaseProductName.lowercase()
        val found = when {
            "postgres" in name -> Dialect.POSTGRESQL
            "sqlite" in name -> Dialect.SQLITE
            else -> throw SQLException("JdbcDedupStore supports PostgreSQL and SQLite (give the dialect for a compatible database)")
        }
        knownDialect = found
        return found
    }

    private inline fun <T> connected(block: (Connection, Dialect) -> T): T =
        connections.connection().use { connection -> block(connection, dialectOf(connection)) }

    private fun Connection.update(sql: String, vararg args: Any): Int = prepareStatement(sql).use { st ->
        st.queryTimeout = timeoutS
        args.forEachIndexed { i, a -> st.setObject(i + 1, a) }
        st.executeUpdate()
    }

    private fun Connection.state(key: String): String? = prepareStatement("SELECT state FROM $table WHERE dedup_key = ?").use { st ->
        st.queryTimeout = timeoutS
        st.setString(1, key)
        st.executeQuery().use { rs -> if (rs.next()) rs.getString(1) else null }
    }

    /**
     * Creates the table if it does not exist (and, for SQLite, turns on WAL so readers do not
     * block the writer). Run once at start-up, or put the same statement in a migration.
     */
    @Throws(SQLException::class)
    fun createTable() = connected { connection, dialect ->
        connection.autoCommit = true
        if (dialect == Dialect.SQLITE) {
            connection.createStatement().use { it.execute("PRAGMA journal_mode=WAL") }
        }
        connection.createStatement().use {
            it.queryTimeout = timeoutS
            it.execute(
                "CREATE TABLE IF NOT EXISTS $table (" +
                    " dedup_key TEXT PRIMARY KEY," +
                    " state TEXT NOT NULL CHECK (state IN ('claimed', 'done'))," +
                    " token TEXT," +
                    " expires_at_ms BIGINT," +
                    " done_at_ms BIGINT)",
            )
        }
    }

    @Throws(SQLException::class)
    override fun claim(key: String, leaseMs: Long): Claim = connected { connection, dialect ->
        connection.autoCommit = true
        val token = newToken()
        val now = dialect.nowMs
        val claimed = connection.update(
            "INSERT INTO $table (dedup_key, state, token, expires_at_ms) VALUES (?, 'claimed', ?, $now + ?)" +
                " ON CONFLICT (dedup_key) DO UPDATE SET token = excluded.token, expires_at_ms = excluded.expires_at_ms" +
                " WHERE $table.state = 'claimed' AND $table.expires_at_ms <= $now",
            key, token, leaseMs,
        ) == 1
        when {
            claimed -> Claim(key, ClaimOutcome.CLAIMED, token)
            connection.state(key) == "done" -> Claim(key, ClaimOutcome.ALREADY_DONE)
            else -> Claim(key, ClaimOutcome.IN_PROGRESS)
        }
    }

    @Throws(Exception::class)
    override fun complete(claim: Claim, effect: StoreEffect) = connected { connection, dialect ->
        val token = claim.token ?: throw ClaimLostException("only a CLAIMED claim can complete")
        connection.autoCommit = false
        try {
            val fenced = connection.update(
                "UPDATE $table SET state = 'done', token = NULL, expires_at_ms = NULL, done_at_ms = ${dialect.nowMs}" +
                    " WHERE dedup_key = ? AND state = 'claimed' AND token = ?",
                claim.key, token,
            )
            if (fenced != 1) throw ClaimLostException()
            effect.run(connection)
            connection.commit()
        } catch (e: Throwable) {
            try {
                connection.rollback()
            } catch (rollback: SQLException) {
                e.addSuppressed(rollback)
            }
            throw e
        } finally {
            try {
                connection.autoCommit = true
            } catch (_: SQLException) {
                // the connection is closed next; a pool resets it
            }
        }
    }

    @Throws(SQLException::class)
    override fun release(claim: Claim) {
        val token = claim.token ?: return
        connected { connection, _ ->
            connection.autoCommit = true
            connection.update("DELETE FROM $table WHERE dedup_key = ? AND state = 'claimed' AND token = ?", claim.key, token)
        }
    }

    /** `"claimed"`, `"done"` or `null`: what the table holds for [key] (for tests and operations). */
    @Throws(SQLException::class)
    fun state(key: String): String? = connected { connection, _ ->
        connection.autoCommit = true
        connection.state(key)
    }

    companion object {
        /**
         * A store over `DriverManager.getConnection(url, properties)`: a new connection per
         * call (use a pool in production: the [DataSource] constructor). The driver (pgjdbc,
         * sqlite-jdbc) must be on the classpath: it is not a dependency of this jar.
         */
        @JvmStatic
        @JvmOverloads
        fun forUrl(url: String, properties: Properties = Properties(), table: String = "antom_dedup", timeoutS: Int = 5): JdbcDedupStore {
            val props = Properties().also { it.putAll(properties) }
            return JdbcDedupStore(ConnectionSource { DriverManager.getConnection(url, props) }, table, timeoutS)
        }

        /**
         * An SQLite store in the file [path] (sqlite-jdbc on the classpath): WAL, a busy timeout
         * of [timeoutS]; every worker process on the host opens the same file (not on a network
         * file system). Call [createTable] once.
         */
        @JvmStatic
        @JvmOverloads
        fun sqlite(path: String, table: String = "antom_dedup", timeoutS: Int = 5): JdbcDedupStore {
            val props = Properties()
            props.setProperty("busy_timeout", (timeoutS * 1000).toString())
            return JdbcDedupStore(ConnectionSource { DriverManager.getConnection("jdbc:sqlite:$path", props) }, table, timeoutS, Dialect.SQLITE)
        }
    }
}
