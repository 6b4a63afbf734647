// The official JavaScript SignalR client, pointed at a negotiate function.
//
// Usage: node client.mjs --url http://127.0.0.1:PORT/api --user-id ID [--timeout-ms 20000] [--transport longpolling|any]
//
// It builds a connection with @microsoft/signalr's HubConnectionBuilder, sends the
// `x-ms-client-principal-id` header (what App Service authentication puts in front of a
// function), starts the connection, calls the hub method `whoami` (answered by the stand-in
// service with the user id of the token), and stops. Each HTTP request it makes is printed
// as `http METHOD URL -> STATUS`.
//
// Exit codes, read by tests/official_client.rs:
//   0  connected through both negotiates, handshake done, `whoami` answered the user id
//   2  bad arguments
//   3  the first negotiate (the function under test) failed
//   4  the second negotiate (the service, with the minted token) failed
//   5  the transport or the hub handshake failed
//   6  `whoami` answered something else
//   7  it did not finish within the time limit

import signalR from "@microsoft/signalr";

const { AbortError, HubConnectionBuilder, HttpTransportType, LogLevel, DefaultHttpClient, VERSION } = signalR;

function usage(message) {
    process.stderr.write(`client: ${message}\nusage: node client.mjs --url URL --user-id ID [--timeout-ms MS] [--transport longpolling|any]\n`);
    process.exit(2);
}

const args = { url: undefined, userId: undefined, timeoutMs: 20000, transport: "longpolling" };
{
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${flag} needs a value`));
        switch (flag) {
            case "--url": args.url = value(); break;
            case "--user-id": args.userId = value(); break;
            case "--timeout-ms": args.timeoutMs = Number(value()); break;
            case "--transport": args.transport = value(); break;
            default: usage(`unknown argument ${flag}`);
        }
    }
    if (!args.url) usage("--url is required");
    if (args.userId === undefined) usage("--user-id is required");
    if (!Number.isFinite(args.timeoutMs) || args.timeoutMs <= 0) usage("--timeout-ms must be a positive number");
    if (!["longpolling", "any"].includes(args.transport)) usage("--transport must be longpolling or any");
}

function say(line) {
    process.stdout.write(`${line}\n`);
}

function finish(code, line) {
    say(line);
    process.exit(code);
}

const timer = setTimeout(() => finish(7, `client FAIL: no result within ${args.timeoutMs} ms`), args.timeoutMs);
timer.unref?.();

/// The package's own HTTP client, recording what it sends, so a failure can say which of the
/// two negotiates failed.
class RecordingHttpClient extends DefaultHttpClient {
    constructor(logger) {
        super(logger);
        this.requests = [];
    }

    async send(request) {
        const entry = { method: request.method, url: request.url, status: undefined, authorization: !!request.headers?.Authorization };
        this.requests.push(entry);
        try {
            const response = await super.send(request);
            entry.status = response.statusCode;
            return response;
        } catch (e) {
            entry.status = e.statusCode ?? (e instanceof AbortError ? "aborted (stop)" : "error");
            entry.error = e.message;
            throw e;
        } finally {
            say(`http ${entry.method} ${entry.url} -> ${entry.status}${entry.authorization ? " (bearer)" : ""}`);
        }
    }
}

const logger = {
    log(level, message) {
        if (level >= LogLevel.Warning) process.stderr.write(`signalr[${LogLevel[level]}] ${message}\n`);
    },
};
const httpClient = new RecordingHttpClient(logger);

const options = {
    headers: { "x-ms-client-principal-id": args.userId },
    httpClient,
    logger,
};
if (args.transport === "longpolling") options.transport = HttpTransportType.LongPolling;

const connection = new HubConnectionBuilder()
    .withUrl(args.url, options)
    .configureLogging(logger)
    .build();

say(`client @microsoft/signalr ${VERSION} -> ${args.url} as ${JSON.stringify(args.userId)}`);

const negotiates = () => httpClient.requests.filter((r) => new URL(r.url).pathname.endsWith("/negotiate"));

try {
    await connection.start();
} catch (e) {
    const [first, second] = negotiates();
    if (!first || first.status !== 200) {
        finish(3, `client FAIL: the first negotiate (${first?.url ?? "not sent"}) failed: ${first?.error ?? e.message}`);
    }
    if (!second || second.status !== 200) {
        finish(4, `client FAIL: the second negotiate (${second?.url ?? "not sent"}) failed: ${second?.error ?? e.message}`);
    }
    finish(5, `client FAIL: transport or handshake: ${e.message}`);
}

const [first, second] = negotiates();
say(`negotiate 1 ${first.url} -> ${first.status}`);
if (!second) {
    // The function answered a real negotiate of its own instead of redirecting: not what a
    // connection-info binding does.
    await connection.stop().catch(() => {});
    finish(4, "client FAIL: the first negotiate did not redirect to a service (no url/accessToken in its answer)");
}
say(`negotiate 2 ${second.url} -> ${second.status} (bearer: ${second.authorization})`);
say(`connected id=${connection.connectionId}`);

let who;
try {
    who = await connection.invoke("whoami");
} catch (e) {
    await connection.stop().catch(() => {});
    finish(5, `client FAIL: whoami: ${e.message}`);
}
await connection.stop();
if (who !== args.userId) {
    finish(6, `client FAIL: whoami answered ${JSON.stringify(who)}, expected ${JSON.stringify(args.userId)}`);
}
finish(0, `client ok whoami=${JSON.stringify(who)}`);
