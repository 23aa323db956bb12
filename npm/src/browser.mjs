// See browser.cjs: a private key must never reach a browser.
throw new Error(
  'antom-core is server-only: it signs with your Antom private key, which must never be ' +
    'shipped to a browser. Use it in Node.js on your server and call your server from the page.',
);
