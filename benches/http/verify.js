// Checks one negotiate answer read from stdin: the JSON shape, the client URL, the HS256
// signature (recomputed here with node:crypto) and the claims, which must be exactly
// `asrs.s.uid`, `nbf`, `exp`, `iat`, `aud` and `iss`, with a lifetime of one hour.
//
//   curl ... | node verify.js NAME URL AUDIENCE ACCESS_KEY USER_ID
'use strict';

const crypto = require('crypto');

const [name, url, audience, key, user] = process.argv.slice(2);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const fail = (why) => {
    console.error(`${name}: ${why}\n  answer: ${input.slice(0, 400)}`);
    process.exit(1);
  };
  let answer;
  try {
    answer = JSON.parse(input);
  } catch (error) {
    fail(`not JSON (${error.message})`);
  }
  const keys = Object.keys(answer).sort().join(',');
  if (keys !== 'accessToken,url') fail(`members ${keys}, expected accessToken,url`);
  if (answer.url !== url) fail(`url ${answer.url}, expected ${url}`);
  const parts = answer.accessToken.split('.');
  if (parts.length !== 3) fail('the token is not a compact JWT');
  const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
  if (header.alg !== 'HS256' || header.typ !== 'JWT') fail(`header ${JSON.stringify(header)}`);
  const expected = crypto.createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  const actual = Buffer.from(parts[2], 'base64url');
  if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) {
    fail('bad signature');
  }
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
  const names = Object.keys(claims).sort().join(',');
  if (names !== 'asrs.s.uid,aud,exp,iat,iss,nbf') fail(`claims ${names}`);
  const now = Math.floor(Date.now() / 1000);
  const ok =
    claims['asrs.s.uid'] === user &&
    claims.aud === audience &&
    claims.iss === 'azure-signalr' &&
    claims.nbf === claims.iat &&
    claims.exp - claims.iat === 3600 &&
    Math.abs(claims.iat - now) <= 5;
  if (!ok) fail(`claims ${JSON.stringify(claims)}`);
  console.log(`${name}: token verified, claims ${JSON.stringify(claims)}`);
});
