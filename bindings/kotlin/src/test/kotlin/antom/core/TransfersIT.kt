package antom.core

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.RandomAccessFile
import java.nio.file.Files

/** The special transports through `antom mock`: the meter session and event upload, the image upload. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransfersIT {
    private lateinit var mock: AntomMock

    @BeforeAll
    fun start() {
        mock = AntomMock()
    }

    @AfterAll
    fun stop() = mock.close()

    @Test
    fun createSessionThenUploadEventIsUnverified() {
        val client = mock.client()
        val session = client.send("v1/meter/createSession", """{"meterType":"API_CALL"}""")
        val response = session.response!!
        assertTrue(response.verified)
        val sessionId = Regex("\"sessionId\":\"([^\"]+)\"").find(String(response.body))!!.groupValues[1]
        val reply = client.uploadEvent(sessionId, """{"events":[{"eventName":"call","value":"1"}]}""")
        assertEquals(200, reply.status)
        assertFalse(reply.verified)
        assertEquals(Outcome.UNKNOWN, reply.outcome)
        assertEquals("S", reply.resultStatus)
        val unknown = client.uploadEvent("no-such-session", """{"events":[]}""")
        assertEquals(Outcome.UNKNOWN, unknown.outcome)
        assertNotEquals("S", unknown.resultStatus)
    }

    @Test
    fun uploadImageIsMultipartAndVerified() {
        val file = Files.createTempFile("shoe", ".png")
        Files.write(file, byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()) + ByteArray(100))
        val response = mock.client().uploadImage("P-1", file)
        assertTrue(response.verified)
        assertEquals(ResultStatus.SUCCESS, response.resultStatus)
        assertTrue(String(response.body).contains("\"productId\":\"P-1\""))
    }

    @Test
    // That it is refused before it is read is pinned in Python only.
    fun anOversizedFileIsRefused() {
        val file = Files.createTempFile("big", ".png")
        RandomAccessFile(file.toFile(), "rw").use { it.setLength(64L * 1024 * 1024) }
        val error = assertThrows<AntomException> { mock.client().uploadImage("P-1", file) }
        assertEquals(AntomException.INVALID_INPUT, error.code)
        assertTrue(error.message!!.contains("larger than"))
        Files.delete(file)
    }
}
