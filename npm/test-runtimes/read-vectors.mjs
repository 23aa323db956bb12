// tests/vectors/ as the data suite.mjs takes: manifest.json, every vector document it names,
// and the text of every file under keys/ and data/ (what vectors refer to by path).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `{ manifest, docs, texts }` of the vectors directory `root`. */
export function readVectors(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const docs = {};
  for (const file of Object.keys(manifest.files)) docs[file] = JSON.parse(readFileSync(join(root, file), 'utf8'));
  const texts = {};
  for (const sub of ['keys', 'data']) {
    for (const name of readdirSync(join(root, sub))) {
      const path = join(root, sub, name);
      if (statSync(path).isFile()) texts[`${sub}/${name}`] = readFileSync(path, 'utf8');
    }
  }
  return { manifest, docs, texts };
}
