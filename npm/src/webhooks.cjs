'use strict';
// Webhook receivers: one framework-agnostic handler (raw headers + raw body in, status + body
// out) and thin adapters for Express, Fastify and web-standard Request -> Response handlers
// (Next.js route handlers, Hono, Deno-style servers). Verification is the client's
// (verifyNotification, so the core's); these only map its verdict to HTTP:
//   verified and the callback resolved -> 200 with NOTIFICATION_ACK
//   verification refused (an AntomError) -> 401, the error code as the only detail
//   the callback threw or rejected -> 500, so Antom delivers the notification again

const EMPTY = Buffer.alloc(0);
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
// What an onNotification may resolve to for an answer of its own (antom-core/dedup's dispatcher).
const WEBHOOK_ANSWER = Symbol.for('antom-core.webhookAnswer');

/**
 * Builds the webhook functions around the package's own classes (passed in by index.cjs, which
 * loads this file): `checkLength(client, kind, length)` throws the core's size refusal.
 */
module.exports = function webhooks({ AntomError, Client, NOTIFICATION_ACK, checkLength, verifyAsync }) {
  /** Checks the options shared by every handler once, when the handler is made. */
  function settingsOf(options) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('webhook options must be an object like { client, path, onNotification }');
    }
    const { client, path, onNotification, onError, maxAgeMs } = options;
    if (!(client instanceof Client)) throw new TypeError('client must be an antom-core Client');
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError('path must be the notification path registered with Antom, e.g. "/antom/notify"');
    }
    if (typeof onNotification !== 'function') {
      throw new TypeError('onNotification must be a function (notification) => void | Promise<void>');
    }
    if (onError !== undefined && onError !== null && typeof onError !== 'function') {
      throw new TypeError('onError must be a function (error) => void');
    }
    return {
      client,
      path,
      onNotification,
      onError: onError ?? reportCallbackError,
      freshness: maxAgeMs === undefined || maxAgeMs === null ? undefined : { maxAgeMs },
    };
  }

  function reportCallbackError(error) {
    console.error('antom-core: onNotification failed; answered HTTP 500 so that Antom delivers it again:', error);
  }

  function refused(code) {
    return { status: 401, headers: { 'content-type': TEXT_TYPE }, body: code };
  }

  /** Verify, then run the callback, then acknowledge: the one rule every adapter follows. */
  async function reply(settings, headers, body) {
    let notification;
    try {
      // verifyAsync (workerd): the RSA check on WebCrypto, awaited; else node:crypto.
      notification = verifyAsync
        ? await settings.client.verifyNotificationAsync(settings.path, headers, body, settings.freshness)
        : settings.client.verifyNotification(settings.path, headers, body, settings.freshness);
    } catch (err) {
      if (err instanceof AntomError) return refused(err.code);
      throw err; // a programming error (a wrong argument type), not a verdict
    }
    let answer;
    try {
      answer = await settings.onNotification(notification);
    } catch (error) {
      try {
        settings.onError(error);
      } catch {
        // a failing error reporter must not turn the 500 into something else
      }
      return { status: 500, headers: { 'content-type': TEXT_TYPE }, body: 'notification not processed', error };
    }
    // An answer decided for it (antom-core/dedup's dispatcher: the core's 200 or 500 + reason).
    if (answer !== null && typeof answer === 'object' && answer[WEBHOOK_ANSWER] === true) {
      const type = answer.status === 200 ? JSON_TYPE : TEXT_TYPE;
      return { status: answer.status, headers: { 'content-type': type }, body: answer.body, notification };
    }
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: NOTIFICATION_ACK, notification };
  }

  /**
   * The framework-agnostic receiver: verifies `body` (the raw bytes received) with `headers` at
   * `options.path`, then awaits `options.onNotification(notification)`. Resolves to
   * `{ status, headers, body }` to answer with: 200 + NOTIFICATION_ACK, 401 + the error code,
   * or 500 when the callback threw (also given as `error`).
   */
  function handleNotification(options, headers, body) {
    return reply(settingsOf(options), headers, body);
  }

  /**
   * Express: `app.post(path, express.raw({ type: '*\/*' }), expressNotificationHandler(options))`.
   * Refuses to run (a TypeError to `next`) when a body parser already turned the body into
   * something other than the raw Buffer. A body express.raw() let through untouched (a request
   * without a Content-Type) is read here, up to the client's `maxBodyBytes`.
   */
  function expressNotificationHandler(options) {
    const settings = settingsOf(options);
    return function antomNotification(req, res, next) {
      const send = (answer) => res.status(answer.status).set(answer.headers).end(answer.body);
      expressBody(req, settings.client)
        .then((body) => {
          if (body === null) {
            throw new TypeError(
              'the Antom notification route needs the raw body: mount express.raw({ type: "*/*" }) on it, ' +
                'and no JSON or text body parser before it (req.body is not a Buffer)',
            );
          }
          return reply(settings, req.headers, body).then(send);
        })
        .catch((err) => (err instanceof AntomError ? send(refused(err.code)) : next(err)));
    };
  }

  /** The raw body of an Express request; `null` when a parser consumed it into something else. */
  async function expressBody(req, client) {
    const body = req.body;
    if (Buffer.isBuffer(body)) return body;
    if (body !== undefined) return null;
    if (!hasBody(req.headers)) return EMPTY;
    if (req.readableDidRead || req.readableEnded) return null; // read by something that kept nothing
    const chunks = [];
    let length = 0;
    for await (const chunk of req) {
      length += chunk.length;
      checkLength(client, 'notification', length); // throws the core's refusal past maxBodyBytes
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, length);
  }

  /**
   * Fastify: `fastify.register(fastifyNotificationPlugin(options))`. An encapsulated plugin: its
   * one route (`options.url`, default `options.path`) gets a content-type parser that keeps every
   * body as the raw Buffer; routes outside the plugin keep their parsers.
   */
  function fastifyNotificationPlugin(options) {
    const settings = settingsOf(options);
    const url = options.url ?? settings.path;
    if (typeof url !== 'string' || !url.startsWith('/')) throw new TypeError('url must be a route path like "/antom/notify"');
    return async function antomNotificationPlugin(fastify) {
      fastify.removeAllContentTypeParsers();
      fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => done(null, body));
      fastify.post(url, async (request, res) => {
        const body = request.body === undefined || request.body === null ? EMPTY : request.body;
        if (!Buffer.isBuffer(body)) throw new TypeError('the Antom notification route did not receive the raw body');
        const answer = await reply(settings, request.headers, body);
        return res.code(answer.status).headers(answer.headers).send(answer.body);
      });
    };
  }

  /**
   * Web-standard handlers (Next.js route handlers, Hono's `c.req.raw`): `Request` in, `Response`
   * out. Reads the body once as bytes, from its stream: a `Content-Length` over the client's
   * `maxBodyBytes` is refused (401, `INVALID_INPUT`) before the body is read, and a body without
   * one (chunked) as soon as the bytes read pass it; the rest is never read.
   */
  function webNotificationHandler(options) {
    const settings = settingsOf(options);
    return async function antomNotification(request) {
      const declared = request.headers.get('content-length');
      if (declared !== null && /^[0-9]{1,15}$/.test(declared.trim())) {
        try {
          checkLength(settings.client, 'notification', Number(declared.trim()));
        } catch (err) {
          if (err instanceof AntomError) return toResponse(refused(err.code));
          throw err;
        }
      }
      let body;
      try {
        body = await readBounded(request, settings.client);
      } catch (err) {
        if (err instanceof AntomError) return toResponse(refused(err.code));
        throw err;
      }
      return toResponse(await reply(settings, request.headers, body));
    };
  }

  /** A Request's body, read chunk by chunk; the core's size error once it passes maxBodyBytes. */
  async function readBounded(request, client) {
    if (request.body === null) return EMPTY;
    const chunks = [];
    let length = 0;
    const reader = request.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        length += value.byteLength;
        checkLength(client, 'notification', length); // throws past maxBodyBytes
        chunks.push(value);
      }
    } catch (err) {
      reader.cancel().catch(() => {});
      throw err;
    }
    return Buffer.concat(chunks, length);
  }

  function toResponse(answer) {
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }

  return { handleNotification, expressNotificationHandler, fastifyNotificationPlugin, webNotificationHandler };
};

/** Whether a request announces a body (RFC 9112: Transfer-Encoding, or a non-zero Content-Length). */
function hasBody(headers) {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}
