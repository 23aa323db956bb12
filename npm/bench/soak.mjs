#!/usr/bin/env node
// Soak (not a test): memory over many sign + verify calls on the default engine, then over
// many Client lifecycles. Records the result inside the node block of BENCHMARKS.md
// (`<!-- node-soak:begin -->` ... `<!-- node-soak:end -->`).
//
// Phase 1: N iterations of `prepare` (sign) + `verifyNotification` (verify) with one client.
// Phase 2: N/100 Clients built from key text, used and free()d; N/100 built from a parsed
//          PrivateKey, used and dropped without free() (gc() every 100, so the
//          FinalizationRegistry's work is what is measured); N/100 more dropped with garbage
//          collection left to V8 (reported, not judged).
// The same phase-1 loop on bare node:crypto runs in a second process (soak-control.mjs), so
// RSS can be compared: glibc and OpenSSL keep freed pages, and RSS drifts up there too.
//
//   node --expose-gc npm/bench/soak.mjs                   # N = 10^6 (~10 min on 2 cores)
//   SOAK_N=100000 node --expose-gc npm/bench/soak.mjs
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

if (!globalThis.gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);

// Catch the module's linear memory as it is instantiated: its size is the direct measure of a
// leak inside WebAssembly (the Rust heap never returns pages, so a leak can only grow it).
const RealInstance = WebAssembly.Instance;
let wasmMemory;
WebAssembly.Instance = function Instance(module, imports) {
  const instance = new RealInstance(module, imports);
  wasmMemory ??= instance.exports.memory;
  return instance;
};
const { Client, PrivateKey, contentToSign } = require(join(here, '..', 'dist', 'index.cjs'));
WebAssembly.Instance = RealInstance;

const N = Number(process.env.SOAK_N ?? 1_000_000);
const SAMPLES = 20;
const LIFECYCLES = N / 100;
const key = (name) => readFileSync(join(root, 'tests', 'vectors', 'keys', `TEST-ONLY-${name}`), 'utf8');
const CLIENT_ID = 'SANDBOX_5X00000000000000';
const merchant = key('merchant.private.pkcs8.b64');
const antomPublic = key('antom.public.spki.b64');
const antomKey = PrivateKey.parse(key('antom.private.pkcs8.b64'));
const notifyBody = Buffer.from('{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"},"paymentRequestId":"order-42"}');
const headers = {
  'client-id': CLIENT_ID,
  'request-time': '1700000000000',
  signature: `algorithm=RSA256,keyVersion=1,signature=${antomKey.sign(
    contentToSign('POST', '/antom/notify', CLIENT_ID, '1700000000000', notifyBody.toString()),
  )}`,
};
const client = new Client({ clientId: CLIENT_ID, privateKey: merchant, antomPublicKey: antomPublic });

const control = new Promise((resolve, reject) => {
  execFile(process.execPath, ['--expose-gc', join(here, 'soak-control.mjs'), String(N)], (err, stdout) =>
    err ? reject(err) : resolve(JSON.parse(stdout)),
  );
});

const mb = (bytes) => bytes / 1024 / 1024;
async function measure(label) {
  for (let i = 0; i < 3; i += 1) {
    await nextTurn(); // finalizers run between turns
    globalThis.gc();
  }
  const usage = process.memoryUsage();
  const sample = { label, rss: mb(usage.rss), heap: mb(usage.heapUsed), external: mb(usage.external), wasm: mb(wasmMemory.buffer.byteLength) };
  process.stderr.write(
    `${label}: RSS ${sample.rss.toFixed(1)} MB, JS heap ${sample.heap.toFixed(2)} MB, ` +
      `external ${sample.external.toFixed(2)} MB, wasm memory ${sample.wasm.toFixed(2)} MB\n`,
  );
  return sample;
}

const samples = [];
const start = performance.now();
for (let i = 1; i <= N; i += 1) {
  const request = client.prepare('v1/payments/pay', `{"paymentRequestId":"order-${i}"}`, 1700000000000 + i);
  if (request.body.length < 10) throw new Error('unexpected');
  const notification = client.verifyNotification('/antom/notify', headers, notifyBody);
  if (notification.notifyType !== 'PAYMENT_RESULT') throw new Error('unexpected');
  if (i % 1000 === 0) await nextTurn(); // as a server would
  if (i % (N / SAMPLES) === 0) samples.push(await measure(`${i.toLocaleString('en-US')} sign+verify`));
}
const phase1Minutes = (performance.now() - start) / 60000;

// Phase 2 in three parts, each LIFECYCLES long, each measured at its half-way point and end.
async function lifecycles(label, once, { collectEvery = 0 } = {}) {
  const result = { before: await measure(`${label}: before`) };
  for (let i = 1; i <= LIFECYCLES; i += 1) {
    once();
    if (i % 100 === 0) {
      await nextTurn();
      if (collectEvery && i % collectEvery === 0) globalThis.gc();
    }
    if (i === LIFECYCLES / 2) result.half = await measure(`${label}: half-way`);
  }
  result.end = await measure(`${label}: end`);
  return result;
}
const freedPart = await lifecycles('free()d', () => {
  const c = new Client({ clientId: CLIENT_ID, privateKey: merchant, antomPublicKey: antomPublic });
  c.prepare('v1/payments/pay', '{}', 1);
  c.free();
});
const dropped = () => {
  const c = new Client({ clientId: CLIENT_ID, privateKey: PrivateKey.parse(merchant), antomPublicKey: antomPublic });
  c.prepare('v1/payments/pay', '{}', 1); // never freed: the FinalizationRegistry's job
};
const droppedGc = await lifecycles('dropped, GC every 100', dropped, { collectEvery: 100 });
const droppedLazy = await lifecycles('dropped, GC left to V8', dropped);

const bare = await control;
const first = samples[0];
const half = samples[SAMPLES / 2 - 1];
const last = samples[SAMPLES - 1];
const maxRss = Math.max(...samples.map((s) => s.rss));
const signed = (n, digits = 2) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
// Flat: after warm-up (the second half of phase 1), neither WebAssembly memory nor the JS heap
// grows, and Client lifecycles leave WebAssembly memory where it was.
// A tolerance of 0.25 MB (4 pages): half a byte per call, or (0.25 MB / lifecycles) per lifecycle.
const TOLERANCE = 0.25;
const perLifecycle = Math.round((TOLERANCE * 1024 * 1024) / (LIFECYCLES / 2));
const secondHalf = (part) => part.end.wasm - part.half.wasm;
const flat =
  last.wasm - half.wasm < TOLERANCE &&
  last.heap - half.heap < 1 &&
  secondHalf(freedPart) < TOLERANCE &&
  secondHalf(droppedGc) < TOLERANCE;

const row = (name, key, digits = 2) =>
  `| ${name} | ${first[key].toFixed(digits)} | ${half[key].toFixed(digits)} | ${last[key].toFixed(digits)} | ${signed(last[key] - half[key], digits)} |`;
const section = `### Soak (\`make soak-node\`)

Phase 1: ${N.toLocaleString('en-US')} iterations of \`prepare\` (sign) + \`verifyNotification\` (verify) on the default
engine with one client (${phase1Minutes.toFixed(1)} min on Node ${process.version}, GC before each of ${SAMPLES} samples), in MB:

| | first sample (${(N / SAMPLES).toLocaleString('en-US')}) | half-way | end | second half |
| --- | ---: | ---: | ---: | ---: |
${row('WebAssembly memory', 'wasm')}
${row('JS heap used', 'heap')}
${row('external', 'external')}
${row('RSS', 'rss', 1)}

RSS at most ${maxRss.toFixed(1)} MB. The same loop on bare \`node:crypto\` (\`soak-control.mjs\`, run alongside):
RSS ${bare.first.toFixed(1)} → ${bare.half.toFixed(1)} → ${bare.last.toFixed(1)} MB (${signed(bare.last - bare.half, 1)} MB in the second half):
glibc and OpenSSL keep freed pages, so RSS drifts there too; the direct leak measures are the
WebAssembly memory and the JS heap.

Phase 2: Client lifecycles, ${LIFECYCLES.toLocaleString('en-US')} per part (WebAssembly memory in MB, before → half-way → end):

| part | WebAssembly memory | second half |
| --- | --- | ---: |
${[
  ['built from key text, used, \`free()\`d', freedPart],
  ['built from a \`PrivateKey\`, used, dropped; \`gc()\` every 100', droppedGc],
  ['the same, garbage collection left to V8 (not judged)', droppedLazy],
]
  .map(([name, part]) => `| ${name} | ${part.before.wasm.toFixed(2)} → ${part.half.wasm.toFixed(2)} → ${part.end.wasm.toFixed(2)} | ${signed(secondHalf(part))} |`)
  .join('\n')}

Dropped objects are released by the FinalizationRegistry only after a major garbage
collection, which V8 schedules by JS heap pressure and does not hurry for WebAssembly memory:
without \`free()\`, a burst of dropped keys and clients holds ~5 KB each until then (the last
row). Create one \`Client\` at start-up and reuse it, or \`free()\` what you create.

${flat ? '**Flat**' : '**Not flat**'}: the verdict allows ${TOLERANCE} MB of WebAssembly memory growth in each second half, so it
would catch a leak of half a byte per call or ${perLifecycle} bytes per lifecycle (a 2048-bit key is ~5 KB).
`;

const file = join(root, 'BENCHMARKS.md');
const [begin, end] = ['<!-- node-soak:begin -->', '<!-- node-soak:end -->'];
const block = `${begin}\n${section.trimEnd()}\n${end}`;
let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
if (text.includes(begin)) {
  text = text.slice(0, text.indexOf(begin)) + block + text.slice(text.indexOf(end) + end.length);
} else if (text.includes('<!-- node:end -->')) {
  text = text.replace('<!-- node:end -->', `\n${block}\n<!-- node:end -->`);
} else {
  text = `${text.trimEnd()}\n\n<!-- node:begin -->\n${block}\n<!-- node:end -->\n`;
}
writeFileSync(file, text);
console.log(section);
process.exitCode = flat ? 0 : 1;
