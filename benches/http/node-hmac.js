// The negotiate endpoint written by hand on Node.js: the `http` module, the token built from
// base64url segments and signed with one `crypto.createHmac('sha256', key)` per request.
//
// A peer of bench-server (`cargo run --release --bin bench-server`) for benches/http/run.sh:
// same route (`GET`/`POST /api/negotiate`), same user-id header, same claims in the same order
// (`asrs.s.uid`, `nbf`, `exp`, `iat`, `aud`, `iss`), same JSON answer. The connection string is
// parsed once, at start-up, as the Rust binding does.
//
//   node node-hmac.js [--port N]      (default 7072; AzureSignalRConnectionString, else the
//                                      local emulator's connection string)
'use strict';

const crypto = require('crypto');
const { service, serve } = require('./peer');

const LIFETIME_SECS = 3600;
const HEADER_SEGMENT = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
// Everything in the payload after the user id and the times: constant.
const PAYLOAD_TAIL = `,"aud":${JSON.stringify(service.audience)},"iss":"azure-signalr"}`;

serve(7072, (userId) => {
  const now = Math.floor(Date.now() / 1000);
  const payload =
    `{"asrs.s.uid":${JSON.stringify(userId)},"nbf":${now},"exp":${now + LIFETIME_SECS},` +
    `"iat":${now}${PAYLOAD_TAIL}`;
  const signed = `${HEADER_SEGMENT}.${Buffer.from(payload).toString('base64url')}`;
  const signature = crypto
    .createHmac('sha256', service.accessKey)
    .update(signed)
    .digest('base64url');
  return `${signed}.${signature}`;
});
