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
            val operation = doc["operation"].asString
            doc["cases"].asJsonArray.map { it.asJsonObject }.map { case ->
                DynamicTest.dynamicTest("$file#${case["id"].asString}") {
                    VectorRunner.check(operation, case)?.let { fail(it) }
                }
            }
        }
    }

    /** The runner ran exactly the manifest's cases, file by file, and all of them passed. */
    @Test
    fun manifestCountIsMet() {
        val manifest = Vectors.load("manifest.json")
        var total = 0
        val failures = mutableListOf<String>()
        for ((file, count) in manifest["files"].asJsonObject.entrySet()) {
            val doc = Vectors.load(file)
            val cases = doc["cases"].asJsonArray
            assertEquals(count.asInt, cases.size(), "$file: case count vs manifest")
            for (case in cases) {
                VectorRunner.check(doc["operation"].asString, case.asJsonObject)?.let { failures += it }
                total++
            }
        }
        assertTrue(failures.isEmpty(), "${failures.size} of $total vectors failed:\n" + failures.joinToString("\n"))
        assertEquals(manifest["total"].asInt, total, "total cases vs manifest")
        assertTrue(total >= 200, "the contract needs at least 200 cases, found $total")
        println("VectorsIT: $total of ${manifest["total"].asInt} conformance vectors passed through ${System.getProperty("antom.jar")}")
    }
}
