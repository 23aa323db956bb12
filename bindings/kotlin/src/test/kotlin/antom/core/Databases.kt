package antom.core

import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * Throw-away PostgreSQL and Redis servers for the tests, started from Debian's packages
 * (`make test` installs `postgresql` and `redis-server` as root through tests/setup/doctor.sh,
 * the NEEDS_test-jvm items `postgres` and `redis`), as python/tests/databases.py does. A server
 * that cannot be started fails the test with the exact error: never a skip.
 */
object Databases {
    fun freePort(): Int = ServerSocket(0, 0, java.net.InetAddress.getByName("127.0.0.1")).use { it.localPort }

    private class Ran(val code: Int, val output: String)

    private fun run(command: List<String>, timeoutS: Long = 60): Ran {
        val process = ProcessBuilder(command).redirectErrorStream(true).start()
        val output = StringBuilder()
        val reader = Thread { output.append(process.inputStream.bufferedReader().readText()) }.apply { start() }
        if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            throw AssertionError("${command.first()} did not finish within $timeoutS s")
        }
        reader.join(5_000)
        return Ran(process.exitValue(), output.toString())
    }

    private fun runOk(command: List<String>, what: String) {
        val ran = run(command)
        if (ran.code != 0) throw AssertionError("$what failed (exit ${ran.code}): ${ran.output}")
    }

    /** The newest /usr/lib/postgresql/VERSION/bin with initdb and pg_ctl, else pg_config --bindir, else PATH. */
    fun postgresBindir(): File {
        val candidates = File("/usr/lib/postgresql").listFiles().orEmpty()
            .mapNotNull { v -> File(v, "bin").takeIf { File(it, "initdb").canExecute() && File(it, "pg_ctl").canExecute() }?.let { (v.name.takeWhile(Char::isDigit).toIntOrNull() ?: 0) to it } }
        candidates.maxByOrNull { it.first }?.let { return it.second }
        val fromConfig = try {
            run(listOf("pg_config", "--bindir")).takeIf { it.code == 0 }?.output?.trim()?.let(::File)
        } catch (_: java.io.IOException) {
            null
        }
        if (fromConfig != null && File(fromConfig, "initdb").canExecute()) return fromConfig
        val onPath = System.getenv("PATH").orEmpty().split(File.pathSeparator).map { File(it, "initdb") }.firstOrNull { it.canExecute() }
            ?: throw AssertionError(
                "PostgreSQL's initdb was not found (/usr/lib/postgresql/*/bin, pg_config, PATH): " +
                    "install it with `apt-get install postgresql` (make test-jvm's doctor does as root)",
            )
        return onPath.parentFile
    }

    private val isRoot: Boolean by lazy { run(listOf("id", "-u")).output.trim() == "0" }

    /** As root (which PostgreSQL refuses): `runuser -u postgres --` (else `nobody`), owning [directory]. */
    private fun asServerUser(directory: Path): List<String> {
        if (!isRoot) return emptyList()
        val runuser = listOf("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser").firstOrNull { File(it).canExecute() }
            ?: throw AssertionError("running as root without runuser: PostgreSQL refuses to run as root")
        for (user in listOf("postgres", "nobody")) {
            if (run(listOf("id", "-u", user)).code != 0) continue
            runOk(listOf("chown", "-R", "$user:", directory.toString()), "chown")
            return listOf(runuser, "-u", user, "--")
        }
        throw AssertionError("running as root and neither a postgres nor a nobody user exists")
    }

    /** A running cluster: [jdbcUrl] (trust authentication on 127.0.0.1). */
    class Postgres internal constructor(private val root: Path, val port: Int, private val bindir: File, private val prefix: List<String>) : AutoCloseable {
        val jdbcUrl: String = "jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres&connectTimeout=5&socketTimeout=30"

        internal fun start() {
            val log = root.resolve("server.log")
            val options = "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                "-c full_page_writes=off -c max_connections=200"
            val ran = run(prefix + listOf("${bindir}/pg_ctl", "-D", "${root.resolve("data")}", "-l", "$log", "-w", "-t", "60", "-o", options, "start"))
            if (ran.code != 0) {
                val text = if (Files.exists(log)) Files.readString(log) else "(no log)"
                throw AssertionError("PostgreSQL did not start (pg_ctl exit ${ran.code}): ${ran.output}$text")
            }
        }

        override fun close() {
            run(prefix + listOf("${bindir}/pg_ctl", "-D", "${root.resolve("data")}", "-m", "immediate", "-w", "stop"))
            root.toFile().deleteRecursively()
        }
    }

    fun postgres(): Postgres {
        val bindir = postgresBindir()
        val root = Files.createTempDirectory("antom-pg-")
        root.toFile().setReadable(true, false)
        root.toFile().setExecutable(true, false)
        val prefix = asServerUser(root)
        runOk(
            prefix + listOf("$bindir/initdb", "-D", "${root.resolve("data")}", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"),
            "initdb",
        )
        val server = Postgres(root, freePort(), bindir, prefix)
        server.start()
        return server
    }

    /** A running redis-server without persistence: [port]. */
    class Redis internal constructor(val port: Int, private val process: Process, private val root: Path) : AutoCloseable {
        override fun close() {
            process.destroy()
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
            root.toFile().deleteRecursively()
        }
    }

    fun redis(): Redis {
        val binary = System.getenv("PATH").orEmpty().split(File.pathSeparator).map { File(it, "redis-server") }.firstOrNull { it.canExecute() }
            ?: throw AssertionError("redis-server was not found: install it with `apt-get install redis-server` (make test-jvm's doctor does as root)")
        val root = Files.createTempDirectory("antom-redis-")
        val port = freePort()
        val log = root.resolve("redis.log").toFile()
        val process = ProcessBuilder(
            binary.path, "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", "$root", "--protected-mode", "no",
        ).redirectErrorStream(true).redirectOutput(log).start()
        val deadline = System.nanoTime() + 20_000_000_000L
        while (true) {
            if (!process.isAlive) throw AssertionError("redis-server exited (${process.exitValue()}): ${log.readText()}")
            try {
                Socket().use { s ->
                    s.connect(InetSocketAddress("127.0.0.1", port), 1_000)
                    s.soTimeout = 1_000
                    s.getOutputStream().write("PING\r\n".toByteArray())
                    val buf = ByteArray(16)
                    val n = s.getInputStream().read(buf)
                    if (n > 0 && String(buf, 0, n).startsWith("+PONG")) return Redis(port, process, root)
                }
            } catch (_: java.io.IOException) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly()
                throw AssertionError("redis-server did not answer PING: ${log.readText()}")
            }
            Thread.sleep(50)
        }
    }
}
