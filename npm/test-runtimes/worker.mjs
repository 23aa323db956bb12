// workerd (Cloudflare Workers): `POST /run` with the vectors (as cli.mjs reads them) runs
// suite.mjs inside the worker against the package's workerd build and answers the report.
// `POST /bench-setup` (the vectors again) prepares bench-core.mjs's modes; `POST
// /bench?mode=NAME&n=N` then runs one mode N times: the caller times the request, since a
// worker's clock stands still while it computes.
import { benchModes } from './bench-core.mjs';
import { runSuite } from './suite.mjs';

let modes;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/bench-setup') {
      modes = await benchModes(await request.json());
      return new Response('ready');
    }
    if (request.method === 'POST' && url.pathname === '/bench' && modes !== undefined) {
      const mode = modes[url.searchParams.get('mode')];
      if (mode === undefined) return new Response('no such mode', { status: 404 });
      await mode(Number(url.searchParams.get('n')));
      return new Response('done');
    }
    if (request.method !== 'POST' || url.pathname !== '/run') return new Response('POST /run or /bench', { status: 404 });
    const data = await request.json();
    try {
      const report = await runSuite(data, { verifyEngine: 'webcrypto' });
      report.runtime = `workerd (${navigator.userAgent})`;
      return Response.json(report);
    } catch (err) {
      return Response.json({ crashed: String(err && err.stack) }, { status: 500 });
    }
  },
};
