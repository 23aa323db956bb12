// Node.js, Bun, Deno: times the modes of bench-core.mjs in interleaved rounds and prints one
// JSON line: `{ runtime, rounds: [{ mode: microseconds per call }] }`.
import { benchModes } from './bench-core.mjs';
import { readVectors } from './read-vectors.mjs';

const N = Number(process.env.BENCH_N ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const modes = await benchModes(readVectors(process.env.ANTOM_VECTORS));
const names = Object.keys(modes).filter((name) => name !== 'none');
for (const name of names) await modes[name](200); // warm-up
const rounds = [];
for (let r = 0; r < ROUNDS; r += 1) {
  const round = {};
  for (const name of names) {
    const start = performance.now();
    await modes[name](N);
    round[name] = ((performance.now() - start) * 1000) / N;
  }
  rounds.push(round);
}
const runtime =
  typeof Bun !== 'undefined' ? `Bun ${Bun.version}` : typeof Deno !== 'undefined' ? `Deno ${Deno.version.deno}` : `Node.js ${process.version}`;
console.log(JSON.stringify({ runtime, n: N, rounds }));
