// workerd (Cloudflare Workers): `POST /run` with the vectors (as cli.mjs reads them) runs
// suite.mjs inside the worker against the package's workerd build and answers the report.
import { runSuite } from './suite.mjs';

export default {
  async fetch(request) {
    if (request.method !== 'POST' || new URL(request.url).pathname !== '/run') return new Response('POST /run', { status: 404 });
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
