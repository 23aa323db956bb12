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

/**
 * The CPU model and whether it has AVX-512 IFMA (AWS-LC's fastest RSA code path, which changes
 * the ratios against the JDK), from /proc/cpuinfo; "unknown" elsewhere. The same facts as
 * tests/bench/benchmarks_md.py's `cpu_facts`, so that the blocks of two runtimes compare.
 */
internal fun cpuFacts(): String {
    val lines = try {
        Files.readAllLines(Path.of("/proc/cpuinfo"))
    } catch (e: java.io.IOException) {
        return "CPU unknown (no /proc/cpuinfo), AVX-512 IFMA unknown"
    }
    val model = lines.firstOrNull { it.startsWith("model name") }?.substringAfter(":")?.trim() ?: "unknown CPU"
    val flags = lines.firstOrNull { it.startsWith("flags") }?.substringAfter(":")?.trim()?.split(Regex("\\s+")) ?: emptyList()
    return "$model, AVX-512 IFMA ${if ("avx512ifma" in flags) "present" else "absent"}"
}
