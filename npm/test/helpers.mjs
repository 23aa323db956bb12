// Shared by the tests: where the vectors and the throw-away TEST-ONLY keys are.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const dir = process.env.ANTOM_VECTORS ?? new URL('../../tests/vectors/', import.meta.url).pathname;

/** tests/vectors/ as a directory URL. */
export const vectorsDir = pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`);

/** The text of a throw-away key from tests/vectors/keys/ (never a real key). */
export function testKey(name) {
  return readFileSync(new URL(`keys/TEST-ONLY-${name}`, vectorsDir), 'utf8');
}

export const CLIENT_ID = 'SANDBOX_5X00000000000000';
