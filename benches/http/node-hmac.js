// The negotiate endpoint written by hand on Node.js: the `http` module, the token built from
// base64url segments and signed with one `crypto.createHmac('sha256', key)` per request.
//
// A peer of `cargo run --release --example negotiate` for benches/http/run.sh: same route
// (`GET`/`POST /api/negotiate`), same user-id header, same claims in the same order
// (`asrs.s.uid`, `nbf`, `exp`, `iat`, `aud`, `iss`), same JSON answer. The connection string is
// parsed once, at start-up, as the Rust binding does.
//
//   node node-hmac.js [--port N]      (default 7072; AzureSignalRConnectionString, else the
//                                      local emulator's connection string)
'use strict';

const http = require('http');
const crypto = require('crypto');

const EMULATOR =
  'Endpoint=http://localhost;Port=8888;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;';
const HUB = 'chat';
const USER_ID_HEADER = 'x-ms-client-principal-id';
const LIFETIME_SECS = 3600;

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

const { url, audience, accessKey } = parseConnectionString(
  process.env.AzureSignalRConnectionString || EMULATOR,
);
const HEADER_SEGMENT = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
// Everything in the payload after the user id and the times: constant.
const PAYLOAD_TAIL = `,"aud":${JSON.stringify(audience)},"iss":"azure-signalr"}`;

function accessToken(userId, now) {
  const payload =
    `{"asrs.s.uid":${JSON.stringify(userId)},"nbf":${now},"exp":${now + LIFETIME_SECS},` +
    `"iat":${now}${PAYLOAD_TAIL}`;
  const signed = `${HEADER_SEGMENT}.${Buffer.from(payload).toString('base64url')}`;
  const signature = crypto.createHmac('sha256', accessKey).update(signed).digest('base64url');
  return `${signed}.${signature}`;
}

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?', 1)[0];
  if (path !== '/api/negotiate') return send(res, 404, '{"error":"not found"}');
  if (req.method !== 'GET' && req.method !== 'POST') {
    return send(res, 405, '{"error":"method not allowed"}');
  }
  const userId = req.headers[USER_ID_HEADER];
  if (!userId) return send(res, 400, `{"error":"the ${USER_ID_HEADER} header is missing"}`);
  const token = accessToken(userId, Math.floor(Date.now() / 1000));
  send(res, 200, JSON.stringify({ url, accessToken: token }));
});

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 7072;
server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
