'use strict';
// Where the WebAssembly glue (antom_wasm.js) gets its compiled module from.
//
// Node.js, Bun and Deno: compiled here from antom_wasm_bg.wasm, next to this file, when the
// glue loads. workerd (Cloudflare Workers) compiles no WebAssembly at run time ("code
// generation disallowed"): its bundler imports the .wasm file as a WebAssembly.Module, and the
// package's workerd entry (workerd-wasm.mjs) hands that module over before the glue loads.

let provided;
let runtime = 'node';

/**
 * Called once by the workerd entry, before anything else of the package loads: `compiled` is
 * the `WebAssembly.Module` of antom_wasm_bg.wasm, `name` the runtime ("workerd").
 */
function provide(compiled, name) {
  if (!(compiled instanceof WebAssembly.Module)) {
    throw new TypeError(
      'antom-core: antom_wasm_bg.wasm was not imported as a WebAssembly.Module; ' +
        'bundle it as a compiled WebAssembly module (wrangler does this for *.wasm by default)',
    );
  }
  if (provided !== undefined && provided !== compiled) throw new Error('antom-core: the WebAssembly module was already provided');
  provided = compiled;
  runtime = name;
}

/** The compiled module for the glue. */
function compiled() {
  if (provided !== undefined) return provided;
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  return new WebAssembly.Module(readFileSync(join(__dirname, 'antom_wasm_bg.wasm')));
}

module.exports = {
  provide,
  compiled,
  /** `"workerd"` when loaded through the workerd entry, else `"node"` (Node.js, Bun, Deno). */
  get runtime() {
    return runtime;
  },
};
