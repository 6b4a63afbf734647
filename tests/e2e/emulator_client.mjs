// The official JavaScript SignalR client against signalr-emulator, over one transport and one
// hub protocol. Driven by tests/official_client.rs (through each example's negotiate endpoint)
// and signalr-emulator/tests/official_client.rs.
//
// Usage: node emulator_client.mjs --url http://127.0.0.1:PORT/api
//            --transport websockets|serversentevents|longpolling --protocol json|messagepack
//            [--user-id ID] [--timeout-ms 20000]
//
// `--url` is a negotiate function's base: the client POSTs `{url}/negotiate`, follows the
// `{url, accessToken}` answer to the service (a second negotiate, with `Authorization: Bearer`),
// and connects there. With `--user-id`, every request to the function carries the
// `x-ms-client-principal-id` header, as App Service Authentication sets it. One line each on
// stdout:
//   http POST URL -> STATUS [(bearer)]    each negotiate request and its answer
//   connected CONNECTION_ID TRANSPORT     (the driver now sends through the REST API)
//   received TARGET ARGS_JSON             for each of `broadcast`, `user`, `group`
//   echo RESULT_JSON                      the result of invoke("echo", "hello upstream")
//   done
// A message to `broadcast`, `user` or `group` with other arguments than expected fails the run.
// Exit codes: 0 every step passed, 2 bad arguments, 3 the first negotiate (the function) failed,
// 4 the second negotiate (the service) failed, 5 the transport or the handshake failed, 6 a
// message was wrong, 7 the time limit passed, 8 the invocation failed.

import signalR from "@microsoft/signalr";
import msgpack from "@microsoft/signalr-protocol-msgpack";

const { DefaultHttpClient, HubConnectionBuilder, HttpTransportType, LogLevel } = signalR;
const { MessagePackHubProtocol } = msgpack;

function usage(message) {
    process.stderr.write(`emulator_client: ${message}\n`);
    process.exit(2);
}

const args = { url: undefined, transport: "websockets", protocol: "json", userId: undefined, timeoutMs: 20000 };
{
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${flag} needs a value`));
        switch (flag) {
            case "--url": args.url = value(); break;
            case "--transport": args.transport = value(); break;
            case "--protocol": args.protocol = value(); break;
            case "--user-id": args.userId = value(); break;
            case "--timeout-ms": args.timeoutMs = Number(value()); break;
            default: usage(`unknown argument ${flag}`);
        }
    }
    if (!args.url) usage("--url is required");
    if (!Number.isFinite(args.timeoutMs) || args.timeoutMs <= 0) usage("--timeout-ms must be a positive number");
}

const transports = {
    websockets: HttpTransportType.WebSockets,
    serversentevents: HttpTransportType.ServerSentEvents,
    longpolling: HttpTransportType.LongPolling,
};
const transport = transports[args.transport];
if (transport === undefined) usage("--transport must be websockets, serversentevents or longpolling");
if (!["json", "messagepack"].includes(args.protocol)) usage("--protocol must be json or messagepack");

function say(line) {
    process.stdout.write(`${line}\n`);
}

function finish(code, line) {
    say(line);
    process.exit(code);
}

setTimeout(() => finish(7, `FAIL: not done within ${args.timeoutMs} ms`), args.timeoutMs).unref();

/// The package's own HTTP client, recording the negotiates, so that a failure can say which of
/// the two failed and why (an error's message is the answer's body).
class RecordingHttpClient extends DefaultHttpClient {
    constructor(logger) {
        super(logger);
        this.negotiates = [];
    }

    async send(request) {
        if (!new URL(request.url).pathname.endsWith("/negotiate")) return super.send(request);
        const entry = { url: request.url, status: undefined, bearer: !!request.headers?.Authorization };
        this.negotiates.push(entry);
        try {
            const response = await super.send(request);
            entry.status = response.statusCode;
            return response;
        } catch (e) {
            entry.status = e.statusCode ?? "error";
            entry.error = e.message;
            throw e;
        } finally {
            say(`http ${request.method} ${entry.url} -> ${entry.status}${entry.bearer ? " (bearer)" : ""}`);
        }
    }
}

const logger = {
    log(level, message) {
        if (level >= LogLevel.Warning) process.stderr.write(`signalr[${LogLevel[level]}] ${message}\n`);
    },
};
const httpClient = new RecordingHttpClient(logger);
const options = { transport, httpClient, logger };
if (args.userId !== undefined) options.headers = { "x-ms-client-principal-id": args.userId };

let builder = new HubConnectionBuilder()
    .withUrl(args.url, options)
    .configureLogging(logger);
if (args.protocol === "messagepack") {
    builder = builder.withHubProtocol(new MessagePackHubProtocol());
}
const connection = builder.build();

const expected = new Map([
    ["broadcast", JSON.stringify(["to everyone", 1])],
    ["user", JSON.stringify(["to alice"])],
    ["group", JSON.stringify([{ group: "g1" }])],
]);
let remaining = expected.size;
let allReceived;
const received = new Promise((resolve) => { allReceived = resolve; });

for (const [target, want] of expected) {
    connection.on(target, (...values) => {
        const got = JSON.stringify(values);
        say(`received ${target} ${got}`);
        if (got !== want) finish(6, `FAIL: ${target} carried ${got}, expected ${want}`);
        remaining -= 1;
        if (remaining === 0) allReceived();
    });
}

try {
    await connection.start();
} catch (e) {
    const [first, second] = httpClient.negotiates;
    if (!first || first.status !== 200) {
        finish(3, `FAIL: the first negotiate (${first?.url ?? "not sent"}) failed: ${first?.error ?? e.message}`);
    }
    if (!second || second.status !== 200) {
        finish(4, `FAIL: the second negotiate (${second?.url ?? "not sent"}) failed: ${second?.error ?? e.message}`);
    }
    finish(5, `FAIL: start: ${e.message}`);
}
if (httpClient.negotiates.length !== 2) {
    // The function answered a negotiate of its own instead of redirecting to a service: not
    // what a connection-info binding does.
    finish(4, `FAIL: ${httpClient.negotiates.length} negotiates, expected 2 (the function's, then the service's)`);
}
const transportName = connection.connection?.transport?.constructor?.name ?? "?";
say(`connected ${connection.connectionId} ${transportName}`);

await received;

try {
    const result = await connection.invoke("echo", "hello upstream");
    say(`echo ${JSON.stringify(result)}`);
    if (result !== "hello upstream") finish(8, "FAIL: echo answered something else");
} catch (e) {
    finish(8, `FAIL: invoke: ${e.message}`);
}

await connection.stop();
finish(0, "done");
