// The webhook examples of npm/README.md. Each region between `// README:begin` and
// `// README:end` appears verbatim in the README (readme.test.mjs checks it), and
// frameworks.test.mjs runs these apps against the simulator: the README shows tested code.
import http from 'node:http';

import express from 'express';
import Fastify from 'fastify';
import {
  expressNotificationHandler,
  fastifyNotificationPlugin,
  handleNotification,
  webNotificationHandler,
} from 'antom-core';

/** The README's Express app; `fulfilOnce(notification)` is the merchant's own processing. */
export function expressApp(client, fulfilOnce) {
  // README:begin
  const app = express();
  // Registered before any app.use(express.json()): this route needs the raw bytes.
  app.post(
    '/antom/notify',
    express.raw({ type: '*/*' }),
    expressNotificationHandler({
      client, // a verify-only client is enough: new Client({ clientId, antomPublicKey })
      path: '/antom/notify', // the path registered with Antom (it is part of what Antom signs)
      onNotification: async (notification) => {
        await fulfilOnce(notification); // idempotently, keyed by notification.dedupKey
      },
    }),
  );
  app.use(express.json()); // the rest of your app
  // README:end
  return app;
}

/** The README's Fastify app. */
export function fastifyApp(client, fulfilOnce) {
  // README:begin
  const fastify = Fastify();
  // An encapsulated plugin: only its route keeps bodies raw; your other routes parse JSON as usual.
  fastify.register(fastifyNotificationPlugin({ client, path: '/antom/notify', onNotification: fulfilOnce }));
  // README:end
  return fastify;
}

/** The README's web-standard handler (Next.js route handlers, Hono). */
export function webHandler(client, fulfilOnce) {
  // README:begin
  const handler = webNotificationHandler({ client, path: '/antom/notify', onNotification: fulfilOnce });
  // README:end
  return handler;
}

/** The README's node:http server around handleNotification (not listening yet). */
export function nodeHttpServer(client, fulfilOnce) {
  // README:begin
  const options = { client, path: '/antom/notify', onNotification: fulfilOnce };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const reply = await handleNotification(options, req.headers, Buffer.concat(chunks));
    res.writeHead(reply.status, reply.headers).end(reply.body);
  });
  // README:end
  return server;
}
