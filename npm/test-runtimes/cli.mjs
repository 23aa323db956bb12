// Bun and Deno: reads the vectors (ANTOM_VECTORS, a directory), runs suite.mjs against the
// installed package and prints one JSON report line (the driver checks it). Exit code 1 on any
// failure.
import { readVectors } from './read-vectors.mjs';
import { runSuite } from './suite.mjs';

const dir = process.env.ANTOM_VECTORS;
const runtime = typeof Bun !== 'undefined' ? `bun ${Bun.version}` : typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : 'unknown';
const data = readVectors(dir);
const report = await runSuite(data, { verifyEngine: 'node' });
report.runtime = runtime;
report.resolved = import.meta.resolve('antom-core');
console.log(JSON.stringify(report));
process.exitCode = report.failures.length === 0 ? 0 : 1;

