// Shared by the Node benchmarks: rewrite one marked block of BENCHMARKS.md in place.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'BENCHMARKS.md');

/**
 * Replaces `<!-- NAME:begin -->...<!-- NAME:end -->` with `text`; a block not there yet goes
 * just before `<!-- node:end -->` (the sub-blocks of the Node section).
 */
export function writeBlock(name, text) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  let doc = existsSync(benchFile) ? readFileSync(benchFile, 'utf8') : '# Benchmarks\n';
  const block = `${begin}\n${text.trimEnd()}\n${end}`;
  const at = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (at >= 0 && stop > at) doc = doc.slice(0, at) + block + doc.slice(stop + end.length);
  else {
    const nodeEnd = doc.indexOf('<!-- node:end -->');
    doc = nodeEnd >= 0 ? `${doc.slice(0, nodeEnd)}${block}\n\n${doc.slice(nodeEnd)}` : `${doc.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(benchFile, doc);
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The CPU model and whether it has AVX-512 IFMA (which changes RSA ratios between engines),
 * from /proc/cpuinfo: the same facts as tests/bench/benchmarks_md.py's `cpu_facts`.
 */
export function cpuFacts() {
  let info;
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return 'CPU unknown (no /proc/cpuinfo), AVX-512 IFMA unknown';
  }
  const field = (name) => info.split('\n').find((line) => line.startsWith(name))?.split(':')[1]?.trim();
  const flags = (field('flags') ?? '').split(/\s+/);
  return `${field('model name') ?? 'unknown CPU'}, AVX-512 IFMA ${flags.includes('avx512ifma') ? 'present' : 'absent'}`;
}
