// The negotiate endpoint written the way Microsoft's JavaScript samples write a self-hosted
// negotiate: the `http` module and `jsonwebtoken`'s `jwt.sign(payload, accessKey, {audience,
// expiresIn})` on every request, the access key passed as the string from the connection
// string (the "Self-exposing /negotiate endpoint" pseudo code in Azure SignalR's client
// negotiation docs: `jwt.sign({ aud: url }, accessKey, { expiresIn: 3600 })`).
//
// A peer of `cargo run --release --example negotiate` for benches/http/run.sh: same route
// (`GET`/`POST /api/negotiate`), same user-id header, same claims (`asrs.s.uid`, `nbf`, `exp`,
// `iat`, `aud`, `iss`; jsonwebtoken orders them its own way), same JSON answer. Unlike the docs'
// pseudo code, the connection string is parsed once, at start-up, as the Rust binding does.
//
//   node node-jsonwebtoken.js [--port N]   (default 7073; AzureSignalRConnectionString, else
//                                           the local emulator's connection string)
'use strict';

const http = require('http');
const jwt = require('jsonwebtoken');

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

const { url, audience, accessKey } = parseConnectionString(
  process.env.AzureSignalRConnectionString || EMULATOR,
);

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
  const accessToken = jwt.sign({ 'asrs.s.uid': userId }, accessKey, {
    audience,
    issuer: 'azure-signalr',
    expiresIn: 3600,
    notBefore: 0,
  });
  send(res, 200, JSON.stringify({ url, accessToken }));
});

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 7073;
server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
