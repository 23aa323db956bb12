package antom.core

import com.sun.jna.NativeLibrary
import com.sun.jna.Platform
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Paths

/** The tests exercise the packaged jar: its classes, and the native library inside it. */
class PackagingIT {
    private val jar = Paths.get(System.getProperty("antom.jar")).toAbsolutePath().normalize()

    private fun origin(type: Class<*>) = Paths.get(type.protectionDomain.codeSource.location.toURI()).toAbsolutePath().normalize()

    @Test
    fun classesComeFromTheJar() {
        assertEquals(jar, origin(Client::class.java), "antom.core.Client")
        assertEquals(jar, origin(antom.core.ffi.Client::class.java), "the generated glue")
        assertTrue(jar.toString().endsWith(".jar"))
    }

    @Test
    fun nativeLibraryComesFromTheJar() {
        val resource = "/${Platform.RESOURCE_PREFIX}/${System.mapLibraryName("antom_ffi")}"
        if (Platform.isLinux() && Platform.isIntel() && Platform.is64Bit()) {
            assertEquals("/linux-x86-64/libantom_ffi.so", resource)
        }
        val url = Client::class.java.getResource(resource)
        assertNotNull(url, "$resource is not on the classpath")
        assertEquals("jar", url!!.protocol, "$resource must be inside the jar, found $url")
        assertEquals(jar, Paths.get(java.net.URI(url.path.substringBefore("!/"))), "$url is not in $jar")
        // Nothing else could have supplied the library.
        assertNull(System.getProperty("jna.library.path"))
        assertNull(System.getProperty("uniffi.component.antom_core.libraryOverride"))
        assertTrue(System.getenv("LD_LIBRARY_PATH").isNullOrEmpty())
        // Load it (any call does), then ask JNA where it came from: a copy extracted from the jar.
        assertEquals("1050", toMinorUnits("10.50", "USD"))
        val file = NativeLibrary.getInstance("antom_ffi").file
        assertFalse(file.path.contains("target/release") || file.path.contains("target/native"), "loaded from $file")
    }
}
