// The official JavaScript SignalR client against signalr-emulator, over one transport and one
// hub protocol. Driven by signalr-emulator/tests/official_client.rs.
//
// Usage: node emulator_client.mjs --url http://127.0.0.1:PORT/api
//            --transport websockets|serversentevents|longpolling --protocol json|messagepack
//            [--timeout-ms 20000]
//
// `--url` is a negotiate function's base: the client POSTs `{url}/negotiate`, follows the
// `{url, accessToken}` answer to the service, and connects there. Then, one line each on stdout:
//   connected CONNECTION_ID TRANSPORT     (the driver now sends through the REST API)
//   received TARGET ARGS_JSON             for each of `broadcast`, `user`, `group`
//   echo RESULT_JSON                      the result of invoke("echo", "hello upstream")
//   done
// Exit codes: 0 every step passed, 2 bad arguments, 3 start failed, 4 a message was wrong,
// 5 the invocation failed, 7 the time limit passed.

import signalR from "@microsoft/signalr";
import msgpack from "@microsoft/signalr-protocol-msgpack";

const { HubConnectionBuilder, HttpTransportType, LogLevel } = signalR;
const { MessagePackHubProtocol } = msgpack;

function usage(message) {
    process.stderr.write(`emulator_client: ${message}\n`);
    process.exit(2);
}

const args = { url: undefined, transport: "websockets", protocol: "json", timeoutMs: 20000 };
{
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${flag} needs a value`));
        switch (flag) {
            case "--url": args.url = value(); break;
            case "--transport": args.transport = value(); break;
            case "--protocol": args.protocol = value(); break;
            case "--timeout-ms": args.timeoutMs = Number(value()); break;
            default: usage(`unknown argument ${flag}`);
        }
    }
    if (!args.url) usage("--url is required");
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

let builder = new HubConnectionBuilder()
    .withUrl(args.url, { transport })
    .configureLogging(LogLevel.Warning);
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
        if (got !== want) finish(4, `FAIL: ${target} carried ${got}, expected ${want}`);
        remaining -= 1;
        if (remaining === 0) allReceived();
    });
}

try {
    await connection.start();
} catch (e) {
    finish(3, `FAIL: start: ${e.message}`);
}
const transportName = connection.connection?.transport?.constructor?.name ?? "?";
say(`connected ${connection.connectionId} ${transportName}`);

await received;

try {
    const result = await connection.invoke("echo", "hello upstream");
    say(`echo ${JSON.stringify(result)}`);
    if (result !== "hello upstream") finish(5, "FAIL: echo answered something else");
} catch (e) {
    finish(5, `FAIL: invoke: ${e.message}`);
}

await connection.stop();
finish(0, "done");
