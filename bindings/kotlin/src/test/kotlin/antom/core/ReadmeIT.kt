package antom.core

import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files

/** The README's Spring Boot controllers are the code spring-boot-test runs, character for character. */
class ReadmeIT {
    private val kotlinDir = Vectors.dir.parent.parent.resolve("bindings/kotlin")

    private fun checkQuoted(source: String) {
        val text = Files.readString(kotlinDir.resolve(source))
        val code = text.substring(text.indexOf("@RestController")).trimEnd()
        val readme = Files.readString(kotlinDir.resolve("README.md"))
        assertTrue(readme.contains(code), "README.md does not quote $source as it is")
    }

    @Test
    fun javaController() = checkQuoted("spring-boot-test/src/main/java/antom/springtest/NotifyController.java")

    @Test
    fun kotlinController() = checkQuoted("spring-boot-test/src/main/kotlin/antom/springtest/KotlinNotifyController.kt")
}
