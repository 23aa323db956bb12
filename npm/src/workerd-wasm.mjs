// The first module of the workerd entry: hands the bundler's compiled WebAssembly module to
// the glue before the glue loads (ES modules evaluate their imports in order: this one, then
// the package). See wasm-module.cjs.
import compiled from './antom_wasm_bg.wasm';
import wasmModule from './wasm-module.cjs';

wasmModule.provide(compiled, 'workerd');
