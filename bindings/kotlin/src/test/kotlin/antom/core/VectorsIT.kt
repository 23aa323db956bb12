package antom.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.fail

/** Every conformance vector in tests/vectors/, through the packaged jar. */
class VectorsIT {
    /** One JUnit test per case, so a failure names the case. */
    @TestFactory
    fun everyVector(): List<DynamicTest> {
        val manifest = Vectors.load("manifest.json")
        return manifest["files"].asJsonObject.keySet().flatMap { file ->
            val doc = Vectors.load(file)
            doc["cases"].asJsonArray.map { it.asJsonObject }.map { case ->
                val operation = Vectors.operation(doc["operation"].asString, case)
                DynamicTest.dynamicTest("$file#${case["id"].asString}") {
                    VectorRunner.check(operation, case)?.let { fail(it) }
                }
            }
        }
    }

    /**
     * The runner ran exactly the manifest's cases, file by file and per hostile.json
     * operation, and all of them passed.
     */
    @Test
    fun manifestCountIsMet() {
        val manifest = Vectors.load("manifest.json")
        var total = 0
        val failures = mutableListOf<String>()
        val hostileOperations = sortedMapOf<String, Int>()
        for ((file, count) in manifest["files"].asJsonObject.entrySet()) {
            val doc = Vectors.load(file)
            val cases = doc["cases"].asJsonArray
            assertEquals(count.asInt, cases.size(), "$file: case count vs manifest")
            for (case in cases.map { it.asJsonObject }) {
                val operation = Vectors.operation(doc["operation"].asString, case)
                if (file == "hostile.json") hostileOperations[operation] = (hostileOperations[operation] ?: 0) + 1
                VectorRunner.check(operation, case)?.let { failures += it }
                total++
            }
        }
        assertTrue(failures.isEmpty(), "${failures.size} of $total vectors failed:\n" + failures.joinToString("\n"))
        assertEquals(manifest["total"].asInt, total, "total cases vs manifest")
        val wantHostile = manifest["hostile_operations"].asJsonObject.entrySet().associate { (op, n) -> op to n.asInt }.toSortedMap()
        assertEquals(wantHostile, hostileOperations, "hostile.json cases per operation vs manifest")
        assertTrue(total >= 200, "the contract needs at least 200 cases, found $total")
        println("VectorsIT: $total of ${manifest["total"].asInt} conformance vectors passed through ${System.getProperty("antom.jar")}")
    }
}
