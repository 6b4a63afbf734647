// The negotiate endpoint written the way Microsoft's JavaScript samples write a self-hosted
// negotiate: the `http` module and `jsonwebtoken`'s `jwt.sign(payload, accessKey, {audience,
// expiresIn})` on every request, the access key passed as the string from the connection
// string (the "Self-exposing /negotiate endpoint" pseudo code in Azure SignalR's client
// negotiation docs: `jwt.sign({ aud: url }, accessKey, { expiresIn: 3600 })`).
//
// A peer of bench-server (`cargo run --release --bin bench-server`) for benches/http/run.sh:
// same route (`GET`/`POST /api/negotiate`), same user-id header, same claims (`asrs.s.uid`,
// `nbf`, `exp`, `iat`, `aud`, `iss`; jsonwebtoken orders them its own way), same JSON answer.
// Unlike the docs' pseudo code, the connection string is parsed once, at start-up, as the Rust binding does.
//
//   node node-jsonwebtoken.js [--port N]   (default 7073; AzureSignalRConnectionString, else
//                                           the local emulator's connection string)
'use strict';

const jwt = require('jsonwebtoken');
const { service, serve } = require('./peer');

serve(7073, (userId) =>
  jwt.sign({ 'asrs.s.uid': userId }, service.accessKey, {
    audience: service.audience,
    issuer: 'azure-signalr',
    expiresIn: 3600,
    notBefore: 0,
  }),
);
