package antom.core

import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlin.coroutines.suspendCoroutine

/*
 * The `suspend` form of [Client.sendAsync], for Kotlin coroutines, with the Kotlin standard
 * library only (`suspendCoroutine`: no kotlinx-coroutines dependency). The send is
 * [Client.sendAsync]'s, unchanged: the same policy (the core's decisions), events and span;
 * these functions only wait for its future without blocking a thread.
 *
 * Cancellation: a stdlib suspension cannot observe the coroutine's cancellation, so cancelling
 * the coroutine (a kotlinx `Job`) does not cancel the HTTP exchange: the coroutine resumes when
 * the send ends (then kotlinx throws its CancellationException at the next suspension point).
 * To stop a send midway, keep [Client.sendAsync]'s future and `cancel` it (the exchange in
 * flight is cancelled; the outcome is unknown). The coroutine resumes on the thread that
 * completes the send (the `HttpClient`'s executor) unless its context has a dispatcher.
 */

/**
 * [Client.send] from a coroutine, without blocking a thread: suspends until
 * [Client.sendAsync]'s future completes. Throws what [Client.send] throws (the
 * [AntomException] itself, not wrapped): a body [Client.prepare] refuses or a retry policy the
 * core refuses (nothing was sent), or a 2xx reply that fails verification (the request **may
 * have taken effect**: inquire). Cancelling the coroutine does not cancel the exchange (see
 * the file's notes).
 */
suspend fun Client.sendAwait(api: String, body: ByteArray, options: SendOptions = SendOptions.DEFAULT): SendResult =
    sendAsync(api, body, options).awaitSend()

/** [sendAwait] with a text body, sent as UTF-8 (an unpaired surrogate is `INVALID_INPUT`). */
suspend fun Client.sendAwait(api: String, body: String, options: SendOptions = SendOptions.DEFAULT): SendResult =
    sendAsync(api, body, options).awaitSend()

/** [Client.send] of an already prepared [request] (byte for byte), from a coroutine: as [sendAwait]. */
suspend fun Client.sendAwait(request: PreparedRequest, options: SendOptions = SendOptions.DEFAULT): SendResult =
    sendAsync(request, options).awaitSend()

/** Suspends until the future completes; its failure is rethrown as the send's own exception. */
private suspend fun <T> CompletableFuture<T>.awaitSend(): T = suspendCoroutine { continuation ->
    whenComplete { value, error ->
        if (error == null) {
            continuation.resume(value)
        } else {
            continuation.resumeWithException(if (error is CompletionException && error.cause != null) error.cause!! else error)
        }
    }
}
