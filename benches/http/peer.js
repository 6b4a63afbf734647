// What the two Node.js negotiate peers share: the connection string, parsed once at start-up
// as the Rust binding does, and the server (route, user-id header, JSON answer, port). Each
// peer supplies only how it mints the access token.
'use strict';

const http = require('http');

const EMULATOR =
  'Endpoint=http://localhost;Port=8888;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;';
const HUB = 'chat';
const USER_ID_HEADER = 'x-ms-client-principal-id';

// The client URL carries the port; the audience, as Azure's SDKs build it, does not.
function parseConnectionString(text) {
  const fields = {};
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim();
  }
  const endpoint = new URL(fields.endpoint);
  const base = `${endpoint.protocol}//${endpoint.hostname}`;
  const port = fields.port ? `:${fields.port}` : endpoint.port ? `:${endpoint.port}` : '';
  return {
    url: `${base}${port}/client/?hub=${HUB}`,
    audience: `${base}/client/?hub=${HUB}`,
    accessKey: fields.accesskey,
  };
}

/** The service this peer signs for: `{url, audience, accessKey}`. */
const service = parseConnectionString(process.env.AzureSignalRConnectionString || EMULATOR);

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Serves `GET`/`POST /api/negotiate` on 127.0.0.1 (`--port N`, else `defaultPort`), answering
 * `{"url":...,"accessToken":accessToken(userId)}` for the user named by the user-id header.
 */
function serve(defaultPort, accessToken) {
  const server = http.createServer((req, res) => {
    const path = req.url.split('?', 1)[0];
    if (path !== '/api/negotiate') return send(res, 404, '{"error":"not found"}');
    if (req.method !== 'GET' && req.method !== 'POST') {
      return send(res, 405, '{"error":"method not allowed"}');
    }
    const userId = req.headers[USER_ID_HEADER];
    if (!userId) return send(res, 400, `{"error":"the ${USER_ID_HEADER} header is missing"}`);
    send(res, 200, JSON.stringify({ url: service.url, accessToken: accessToken(userId) }));
  });
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : defaultPort;
  server.listen(port, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

module.exports = { service, serve };
