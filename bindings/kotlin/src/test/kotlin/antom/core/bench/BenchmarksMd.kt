package antom.core.bench

import java.nio.file.Files
import java.nio.file.Path

/**
 * BENCHMARKS.md is shared by every benchmark: each owns only the text between its own
 * `<!-- NAME:begin -->` and `<!-- NAME:end -->` markers. Replaces the [name] block of
 * [benchmarks] with [body] (or appends the block), and says so.
 */
internal fun replaceBlock(benchmarks: Path, name: String, body: String) {
    val begin = "<!-- $name:begin -->"
    val end = "<!-- $name:end -->"
    val old = if (Files.exists(benchmarks)) Files.readString(benchmarks) else "# Benchmarks\n"
    val block = "$begin\n${body.trimEnd()}\n$end"
    val i = old.indexOf(begin)
    val j = old.indexOf(end)
    val updated = if (i >= 0 && j > i) old.substring(0, i) + block + old.substring(j + end.length)
        else old.trimEnd() + "\n\n" + block + "\n"
    Files.writeString(benchmarks, updated)
    println("bench: wrote the $name block of $benchmarks")
}
