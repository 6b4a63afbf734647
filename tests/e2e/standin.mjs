// A stand-in for Azure SignalR Service, small enough to read in one sitting.
//
// It does what the real service does with a client that a negotiate function sent to it:
//   1. `POST /client/negotiate?hub=HUB&negotiateVersion=1` with `Authorization: Bearer TOKEN`:
//      the token is checked with the npm `jsonwebtoken` verifier (HS256 with the access key;
//      audience `http://HOST/client/?hub=HUB`, without the port, as Azure/azure-signalr's
//      `DefaultServiceEndpointGenerator` makes the client audience; not expired; `asrs.s.uid`
//      equal to the expected user id). A good token gets a real
//      negotiate answer offering the LongPolling transport; a bad one gets 401 and the reason.
//   2. The LongPolling transport (`GET`/`POST`/`DELETE /client/?hub=HUB&id=TOKEN`) with the
//      JSON hub protocol: handshake, ping, close, and one hub method, `whoami`, which answers
//      the `asrs.s.uid` of the token the connection negotiated with.
//
// Usage: node standin.mjs --access-key KEY --user-id ID [--hub chat] [--exit-on-stdin-close]
//
// Output (stdout, one line each): first the port it listens on (127.0.0.1, chosen by the OS),
// then one line per check and per step, e.g.
//   check signature ok
//   check audience FAIL: expected "http://127.0.0.1/client/?hub=chat", got "..."
//   negotiate ok user=alice connection=...
//   handshake ok protocol=json version=1
//   invocation whoami -> "alice"
//   connection closed
// Test drivers wait for `negotiate ok` and `handshake ok`; a `FAIL` line explains a failure.

import http from "node:http";
import crypto from "node:crypto";
import jwt from "jsonwebtoken";

const RS = "\u001e";

function parseArgs(argv) {
    const args = { hub: "chat", accessKey: undefined, userId: undefined, exitOnStdinClose: false };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) {
                usage(`${flag} needs a value`);
            }
            return argv[++i];
        };
        switch (flag) {
            case "--access-key": args.accessKey = value(); break;
            case "--user-id": args.userId = value(); break;
            case "--hub": args.hub = value(); break;
            case "--exit-on-stdin-close": args.exitOnStdinClose = true; break;
            default: usage(`unknown argument ${flag}`);
        }
    }
    if (args.accessKey === undefined) usage("--access-key is required");
    if (args.userId === undefined) usage("--user-id is required");
    return args;
}

function usage(message) {
    process.stderr.write(`standin: ${message}\nusage: node standin.mjs --access-key KEY --user-id ID [--hub chat] [--exit-on-stdin-close]\n`);
    process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
const hub = args.hub.toLowerCase();

function say(line) {
    process.stdout.write(`${line}\n`);
}

/// The connections that negotiated, by connection token.
const connections = new Map();

/// Checks an `Authorization` header. Returns `{ ok, claims, failures }` and, when `report` is
/// set, prints one line per check.
function checkBearer(req, report) {
    const failures = [];
    const out = (name, ok, detail) => {
        if (!ok) failures.push(`${name}: ${detail}`);
        if (report) say(ok ? `check ${name} ok${detail ? ` (${detail})` : ""}` : `check ${name} FAIL: ${detail}`);
    };

    const header = req.headers["authorization"];
    const match = typeof header === "string" ? /^Bearer (.+)$/.exec(header) : null;
    out("bearer", match !== null, match ? "" : `expected "Authorization: Bearer <token>", got ${JSON.stringify(header ?? null)}`);
    if (!match) return { ok: false, failures };
    const token = match[1];

    // The audience Azure SignalR Service expects: scheme and host of the endpoint, no port,
    // never the client endpoint, then `/client/?hub=` and the lower-cased hub.
    const host = (req.headers["host"] ?? "").replace(/:\d+$/, "");
    const audience = `http://${host}/client/?hub=${hub}`;

    let decoded;
    try {
        decoded = jwt.verify(token, args.accessKey, { algorithms: ["HS256"], complete: true });
        out("signature", true, "HS256 with the access key");
    } catch (e) {
        if (e instanceof jwt.TokenExpiredError) {
            out("signature", true, "HS256 with the access key");
            out("expiry", false, `expired at ${e.expiredAt.toISOString()}`);
        } else if (e instanceof jwt.NotBeforeError) {
            out("signature", true, "HS256 with the access key");
            out("not-before", false, `not valid before ${e.date.toISOString()}`);
        } else {
            out("signature", false, e.message);
        }
        return { ok: false, failures };
    }

    const { header: jwtHeader, payload } = decoded;
    out("header", jwtHeader.alg === "HS256" && jwtHeader.typ === "JWT",
        `alg ${JSON.stringify(jwtHeader.alg)}, typ ${JSON.stringify(jwtHeader.typ)}`);

    // Verified again through the library's own audience check, so that it is its verdict.
    try {
        jwt.verify(token, args.accessKey, { algorithms: ["HS256"], audience });
        out("audience", true, audience);
    } catch (e) {
        out("audience", false, `expected ${JSON.stringify(audience)}, got ${JSON.stringify(payload.aud ?? null)} (${e.message})`);
    }

    const now = Math.floor(Date.now() / 1000);
    out("expiry", typeof payload.exp === "number" && payload.exp > now,
        typeof payload.exp === "number" ? `expires in ${payload.exp - now}s` : "no exp claim");

    const uid = payload["asrs.s.uid"];
    out("asrs.s.uid", uid === args.userId, `expected ${JSON.stringify(args.userId)}, got ${JSON.stringify(uid ?? null)}`);

    return { ok: failures.length === 0, claims: payload, failures };
}

function reply(res, status, body, contentType = "text/plain") {
    res.writeHead(status, { "content-type": contentType, "cache-control": "no-cache" });
    res.end(body);
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

function negotiate(req, res, url) {
    const problems = [];
    if (req.method !== "POST") problems.push(`method ${req.method}, expected POST`);
    if (url.searchParams.get("hub") !== hub) problems.push(`hub ${JSON.stringify(url.searchParams.get("hub"))}, expected ${JSON.stringify(hub)}`);
    if (url.searchParams.get("negotiateVersion") !== "1") problems.push(`negotiateVersion ${JSON.stringify(url.searchParams.get("negotiateVersion"))}, expected "1"`);
    say(problems.length === 0
        ? `check request ok (${req.method} ${url.pathname}${url.search})`
        : `check request FAIL: ${problems.join("; ")}`);

    const verdict = checkBearer(req, true);
    const failures = [...problems, ...verdict.failures];
    if (failures.length > 0) {
        say(`negotiate FAIL ${failures.join("; ")}`);
        return reply(res, 401, `stand-in rejected the negotiate: ${failures.join("; ")}`);
    }

    const connectionId = crypto.randomBytes(12).toString("base64url");
    const connectionToken = crypto.randomBytes(16).toString("base64url");
    connections.set(connectionToken, {
        connectionId,
        uid: verdict.claims["asrs.s.uid"],
        polled: false,
        handshaken: false,
        closed: false,
        queue: [],
        poll: null,
        pollTimer: null,
    });
    say(`negotiate ok user=${JSON.stringify(verdict.claims["asrs.s.uid"])} connection=${connectionId}`);
    reply(res, 200, JSON.stringify({
        negotiateVersion: 1,
        connectionId,
        connectionToken,
        availableTransports: [{ transport: "LongPolling", transferFormats: ["Text", "Binary"] }],
    }), "application/json");
}

function flush(conn) {
    if (!conn.poll) return;
    const res = conn.poll;
    conn.poll = null;
    clearTimeout(conn.pollTimer);
    if (conn.queue.length > 0) {
        const body = conn.queue.join("");
        conn.queue = [];
        reply(res, 200, body);
    } else if (conn.closed) {
        res.writeHead(204);
        res.end();
    } else {
        reply(res, 200, "");
    }
}

function send(conn, message) {
    conn.queue.push(message);
    flush(conn);
}

function onMessages(conn, text) {
    let messages = text;
    if (!conn.handshaken) {
        const end = messages.indexOf(RS);
        if (end < 0) {
            say("handshake FAIL: no record separator");
            return 400;
        }
        let request;
        try {
            request = JSON.parse(messages.slice(0, end));
        } catch (e) {
            say(`handshake FAIL: ${e.message}`);
            return 400;
        }
        if (request.protocol !== "json") {
            say(`handshake FAIL: protocol ${JSON.stringify(request.protocol)}`);
            send(conn, JSON.stringify({ error: `protocol ${request.protocol} is not supported by the stand-in` }) + RS);
            return 200;
        }
        conn.handshaken = true;
        say(`handshake ok protocol=${request.protocol} version=${request.version}`);
        send(conn, "{}" + RS);
        messages = messages.slice(end + 1);
    }
    for (const raw of messages.split(RS)) {
        if (raw === "") continue;
        let message;
        try {
            message = JSON.parse(raw);
        } catch (e) {
            say(`message FAIL: ${e.message}`);
            continue;
        }
        switch (message.type) {
            case 1: { // invocation
                if (message.target === "whoami") {
                    say(`invocation whoami -> ${JSON.stringify(conn.uid)}`);
                    if (message.invocationId !== undefined) {
                        send(conn, JSON.stringify({ type: 3, invocationId: message.invocationId, result: conn.uid }) + RS);
                    }
                } else if (message.invocationId !== undefined) {
                    send(conn, JSON.stringify({ type: 3, invocationId: message.invocationId, error: `unknown method ${message.target}` }) + RS);
                }
                break;
            }
            case 6: // ping
                break;
            case 7: // close
                conn.closed = true;
                say("connection closed");
                flush(conn);
                break;
            default:
                say(`message ignored type=${message.type}`);
        }
    }
    return 200;
}

async function transport(req, res, url) {
    const conn = connections.get(url.searchParams.get("id") ?? "");
    if (!conn) return reply(res, 404, "no such connection");
    const verdict = checkBearer(req, false);
    if (!verdict.ok) {
        say(`transport FAIL ${verdict.failures.join("; ")}`);
        return reply(res, 401, verdict.failures.join("; "));
    }
    switch (req.method) {
        case "GET": {
            if (!conn.polled) {
                // The first poll only tells the client that the transport is up.
                conn.polled = true;
                say("transport connected LongPolling");
                return reply(res, 200, "");
            }
            if (conn.poll) flush(conn);
            conn.poll = res;
            if (conn.queue.length > 0 || conn.closed) return flush(conn);
            conn.pollTimer = setTimeout(() => flush(conn), 20000);
            res.on("close", () => {
                if (conn.poll === res) {
                    conn.poll = null;
                    clearTimeout(conn.pollTimer);
                }
            });
            return;
        }
        case "POST": {
            const status = onMessages(conn, await readBody(req));
            return reply(res, status, "");
        }
        case "DELETE": {
            if (!conn.closed) say("connection closed");
            conn.closed = true;
            flush(conn);
            connections.delete(url.searchParams.get("id"));
            return reply(res, 202, "");
        }
        default:
            return reply(res, 405, "");
    }
}

const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    Promise.resolve()
        .then(() => {
            if (url.pathname === "/client/negotiate") return negotiate(req, res, url);
            if (url.pathname === "/client/" || url.pathname === "/client") return transport(req, res, url);
            say(`unexpected request ${req.method} ${url.pathname}`);
            return reply(res, 404, "not found");
        })
        .catch((e) => {
            say(`error ${e.message}`);
            if (!res.headersSent) reply(res, 500, String(e.message));
        });
});

server.listen(0, "127.0.0.1", () => {
    say(String(server.address().port));
});

if (args.exitOnStdinClose) {
    process.stdin.on("end", () => process.exit(0));
    process.stdin.on("error", () => process.exit(0));
    process.stdin.resume();
}
for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => process.exit(0));
}
