// The chat example in a real browser: headless Chromium (the distribution's package) driven by
// playwright-core opens the page twice, as alice and as bob; each page negotiates through the
// example, connects to the service with the official client, and must show the message the
// other sends (the example broadcasts it through the service's REST API). A screenshot of
// each page is saved.
//
//   node chat_browser.mjs --url http://127.0.0.1:PORT --screenshots DIR
//       [--chromium /usr/bin/chromium] [--timeout-ms 30000]
//
// Prints one line per step and `done`; exits non-zero, saying why, on any failure.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    screenshots: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    "timeout-ms": { type: "string", default: "30000" },
  },
});
if (!values.url || !values.screenshots) {
  console.error("usage: node chat_browser.mjs --url URL --screenshots DIR [--chromium PATH]");
  process.exit(2);
}
const timeout = Number(values["timeout-ms"]);
const started = Date.now();
const log = (line) => console.log(`${String(Date.now() - started).padStart(6)} ms ${line}`);
// The whole run is bounded, whatever hangs.
const deadline = setTimeout(() => {
  console.error(`FAILED: not done within ${timeout * 2} ms`);
  process.exit(1);
}, timeout * 2);

const userDataDir = mkdtempSync(join(tmpdir(), "chat-browser-"));
mkdirSync(values.screenshots, { recursive: true });
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: values.chromium,
    headless: true,
    timeout,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 800, height: 600 },
  });
  context.setDefaultTimeout(timeout);
  log(`chromium ${context.browser()?.version() ?? "(persistent context)"}`);

  const open = async (user) => {
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") log(`[${user} console] ${m.text()}`);
    });
    page.on("pageerror", (e) => log(`[${user} page error] ${e.message}`));
    page.on("requestfailed", (r) => log(`[${user} request failed] ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(`${values.url}/?user=${encodeURIComponent(user)}`);
    await page.locator("#status", { hasText: `connected as ${user}` }).waitFor();
    log(`${user} connected`);
    return page;
  };
  const alice = await open("alice");
  const bob = await open("bob");

  const say = async (page, user, text) => {
    await page.fill("#text", text);
    await page.click("#send-button");
    for (const [name, other] of [["alice", alice], ["bob", bob]]) {
      await other.locator("#messages li", { hasText: text }).waitFor();
      const line = await other.locator("#messages li", { hasText: text }).innerText();
      if (!line.startsWith(`${user}: `)) {
        throw new Error(`${name}'s page shows ${JSON.stringify(line)}, not sent by ${user}`);
      }
      log(`${name} sees ${JSON.stringify(line)}`);
    }
  };
  await say(alice, "alice", "hello from alice");
  await say(bob, "bob", "hi alice, bob here");

  // Each page shows both messages, in the order they were sent.
  for (const [name, page] of [["alice", alice], ["bob", bob]]) {
    const lines = await page.locator("#messages li").allInnerTexts();
    const texts = lines.map((l) => l.replace(/\s+/g, " ").trim());
    const expected = ["alice: hello from alice", "bob: hi alice, bob here"];
    if (JSON.stringify(texts) !== JSON.stringify(expected)) {
      throw new Error(`${name}'s page shows ${JSON.stringify(texts)}, expected ${JSON.stringify(expected)}`);
    }
    const path = join(values.screenshots, `${name}.png`);
    await page.screenshot({ path });
    log(`screenshot ${path}`);
  }
  log("done");
} catch (error) {
  console.error(`FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
