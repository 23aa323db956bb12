// The webhook server of webhook.mjs (a child process): a plain node:http endpoint that verifies
// notifications, written as the README shows it ("antom"), or the same endpoint verifying with
// bare node:crypto ("bare": the same-run baseline). Reports RSS and CPU time over IPC when asked.
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

const [mode, entry, clientId, antomPublicKey] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { AntomError, Client, NOTIFICATION_ACK } = require(entry);
const PATH = '/antom/notify';
let handled = 0;

function handle(notifyType, dedupKey) {
  // Stands in for the merchant's idempotent processing.
  if (notifyType && dedupKey) handled += 1;
}

let verify;
if (mode === 'antom') {
  const client = new Client({ clientId, antomPublicKey }); // verify-only, as the README suggests
  verify = (headers, body) => {
    const notification = client.verifyNotification(PATH, headers, body);
    handle(notification.notifyType, notification.dedupKey);
  };
} else {
  // What a careful hand-written handler does with node:crypto alone.
  const publicKey = crypto.createPublicKey({ key: Buffer.from(antomPublicKey, 'base64'), format: 'der', type: 'spki' });
  verify = (headers, body) => {
    const header = headers.signature;
    const time = headers['request-time'];
    if (!header || !time || headers['client-id'] !== clientId) throw new AntomError('MISSING_HEADER', 'bare');
    const match = /(?:^|,)\s*signature=([^,]+)/.exec(header);
    if (!match) throw new AntomError('MALFORMED_SIGNATURE', 'bare');
    const signature = Buffer.from(decodeURIComponent(match[1]), 'base64');
    const content = Buffer.concat([Buffer.from(`POST ${PATH}\n${clientId}.${time}.`), body]);
    if (!crypto.verify('sha256', content, publicKey, signature)) throw new AntomError('SIGNATURE_MISMATCH', 'bare');
    const json = JSON.parse(body.toString('utf8'));
    handle(json.notifyType, json.paymentId);
  };
}

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    verify(req.headers, Buffer.concat(chunks));
    res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK);
  } catch (err) {
    res.writeHead(err instanceof AntomError ? 401 : 500).end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'rss') {
    const { user, system } = process.cpuUsage(); // microseconds of CPU, for the time per request
    process.send({ rss: process.memoryUsage().rss, handled, cpu: user + system });
  }
  if (message === 'stop') server.close(() => process.exit(0));
});
