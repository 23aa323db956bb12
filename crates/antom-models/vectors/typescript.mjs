// The models' forward-compatibility vectors in TypeScript, where the models are types only:
// every vector's input must type-check as its model (unknown fields, unknown enum values,
// boolean fields in either form, absent required fields of a response or notification), and a
// request missing a required field must not (`@ts-expect-error`). Writes one .ts file of the
// vectors and runs tsc --strict on it with npm/src/models.d.ts.
//
//   node crates/antom-models/vectors/typescript.mjs PATH/TO/tsc
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const tsc = process.argv[2];
if (!tsc) {
  console.error('usage: typescript.mjs PATH/TO/tsc');
  process.exit(2);
}
const vectors = JSON.parse(readFileSync(join(here, 'models.json'), 'utf8'));
const models = [...new Set(vectors.cases.map((c) => c.model))];
const lines = [`import type { ${models.join(', ')} } from './models';`, ''];
vectors.cases.forEach((c, i) => {
  lines.push(`// ${c.id}: ${c.description}`);
  if (!c.expected.ok) lines.push('// @ts-expect-error a required field is missing');
  lines.push(`export const v${i}: ${c.model} = ${JSON.stringify(c.input)};`);
});
const dir = mkdtempSync(join(tmpdir(), 'antom-model-vectors-'));
try {
  copyFileSync(join(root, 'npm', 'src', 'models.d.ts'), join(dir, 'models.d.ts'));
  writeFileSync(join(dir, 'vectors.ts'), `${lines.join('\n')}\n`);
  execFileSync(tsc, ['--noEmit', '--strict', join(dir, 'vectors.ts'), join(dir, 'models.d.ts')], {
    stdio: 'inherit',
  });
} catch {
  console.error('typescript vectors: tsc refused the vectors above');
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (vectors.cases.length !== vectors.count) {
  console.error(`typescript vectors: ${vectors.cases.length} cases, the file says ${vectors.count}`);
  process.exit(1);
}
console.log(`typescript vectors: ${vectors.count} passed, 0 failed`);
