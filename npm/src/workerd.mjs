// The entry for workerd (Cloudflare Workers) and other edge runtimes whose bundler imports
// `*.wasm` as a compiled WebAssembly.Module (the "workerd" and "worker" export conditions).
// Needs Workers' `nodejs_compat` compatibility flag (Buffer, node:util, node:crypto).
// The same package as index.mjs; only the WebAssembly module is loaded differently, and the
// webhook handlers and client.send verify on WebCrypto (verifyNotificationAsync).
import './workerd-wasm.mjs';

export * from './index.mjs';
export { default } from './index.mjs';
