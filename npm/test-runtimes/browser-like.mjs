// Loads the package after making this runtime look like a browser page (a window with a
// document): the package must refuse. Prints the error's message, or LOADED.
globalThis.window = { document: {} };
try {
  await import('antom-core');
  console.log('LOADED');
} catch (err) {
  console.log(err.message);
}
