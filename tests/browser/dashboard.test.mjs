// Browser test of the dashboard (/) and the embeddable widget (/widget.js, /?widget=ID), in headless
// Chromium driven by playwright-core, against the real daemon over the local devnet:
//
//   1. starts the devnet (scripts/devnet/devnet up), sends donations on all three chains, starts
//      givewatch ($GIVEWATCH_BINARY) on the devnet's config, with an attestation key of its own
//      `keygen`, and waits for /readyz and the chains' heads;
//   2. loads the dashboard: every campaign is shown, with the API's exact totals and donation rows;
//   3. sends a new donation and waits for the page to show it without a reload, then its
//      confirmation; then a donation that a reorg removes, and waits for the page to take it out;
//   4. checks the page on a phone-sized screen (no sideways scrolling);
//   5. loads a test page from another origin (a tiny HTTP server of this test) with two widget script
//      tags and an iframe of /?widget=memorial: CORS, Shadow DOM isolation, one global, live updates;
//   6. stops givewatch with SIGTERM (it must exit 0 with streams still open) and the devnet.
// Between 4 and 5, the pages in Russian (languages.mjs) and the receipt page (receipt.mjs).
//
// Screenshots (PNG) go to $SCREENSHOT_DIR (default: the test's temporary directory).
// Needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM) and the root npm packages (scripts/setup.sh).
// Run: GIVEWATCH_BINARY=build/daemon/givewatch scripts/devnet/node --test tests/browser/dashboard.test.mjs
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { languageTests } from "./languages.mjs";
import { receiptTests } from "./receipt.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DEVNET = path.join(ROOT, "scripts/devnet/devnet");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const BINARY = process.env.GIVEWATCH_BINARY;
const CAMPAIGNS = ["russia-behind-bars", "memorial", "moscow-helsinki-group", "hope-of-russia"];
const CONFIRMATIONS = 3;  // what `devnet up` writes into givewatch.toml

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "givewatch-browser-"));
const shots = process.env.SCREENSHOT_DIR || path.join(tmp, "screenshots");
fs.mkdirSync(shots, { recursive: true });

let devnet;       // ChildProcess of `devnet up`
let manifest;     // its manifest
let givewatch;    // ChildProcess of the daemon
let givewatchExit;  // Promise of [code, signal]
let api;          // "http://127.0.0.1:PORT"
let signer;       // the address of givewatch's attestation key
let context;      // playwright BrowserContext (persistent, fresh user data dir)
let dashboard;    // the dashboard Page
let testServer;   // http.Server of the widget test page
let failed = false;
const gwLog = path.join(tmp, "givewatch.log");
const devnetLog = path.join(tmp, "devnet-up.log");

// ------------------------------------------------------------------------------------------ helpers

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Runs `devnet ARGS...` and returns its JSON output; a failure says what was run and why. */
function devnetRun(...args) {
  return new Promise((resolve, reject) => {
    execFile(DEVNET, [...args, "--quiet"], { timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`devnet ${args.join(" ")} failed (${err.code ?? err.signal}):\n${stderr || stdout}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`devnet ${args.join(" ")} printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

const devnetCmd = (command, ...args) => devnetRun(command, "--manifest", path.join(tmp, "devnet.json"), ...args);

/** Polls `fn` until it returns a truthy value; on timeout throws `what`, the last value or error, and the daemon's log. */
async function waitFor(what, fn, { timeout = 60_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      if (err.fatal) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}; last: ${detail}\n--- givewatch log (tail):\n${tail(gwLog, 25)}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

async function getJSON(p) {
  const res = await fetch(api + p);
  if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Decimal string `exact` rounded half-up to `digits` fraction digits, with BigInt: "1.005" 2 -> "1.01". */
function roundExact(exact, digits) {
  const [int, frac = ""] = exact.split(".");
  if (frac.length <= digits) return digits ? `${BigInt(int)}.${frac.padEnd(digits, "0")}` : String(BigInt(int));
  let scaled = BigInt(int + frac.slice(0, digits)) + (frac[digits] >= "5" ? 1n : 0n);
  const s = scaled.toString().padStart(digits + 1, "0");
  return digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
}

/**
 * Checks a displayed amount ("39,681.50") against the API's exact decimal string: the same number
 * rounded to the digits shown, thousands grouped correctly, at least 2 decimals, and not zero when
 * the exact value is not.
 */
function assertDisplays(display, exact, where) {
  assert.match(display, /^\d{1,3}(,\d{3})*(\.\d+)?$/, `${where}: "${display}" is not a grouped decimal`);
  const plain = display.replaceAll(",", "");
  const digits = (plain.split(".")[1] || "").length;
  assert.ok(digits >= 2, `${where}: "${display}" shows fewer than 2 decimals`);
  assert.equal(plain, roundExact(exact, digits), `${where}: shows "${display}" but the API says ${exact}`);
  if (/[1-9]/.test(exact)) assert.match(plain, /[1-9]/, `${where}: a nonzero amount (${exact}) shows as zero`);
}

async function heads() {
  const out = {};
  for (const c of manifest.chains) out[c.name] = (await devnetCmd("head", "--chain", c.name)).head;
  return out;
}

/** Waits until givewatch has indexed every chain up to its current head (the API is then stable). */
async function waitIndexed() {
  const want = await heads();
  await waitFor(`givewatch to index every chain to its head ${JSON.stringify(want)}`, async () => {
    const { chains } = await getJSON("/v1/chains");
    return manifest.chains.every((c) => {
      const got = chains.find((x) => x.name === c.name);
      return got && got.indexed_block >= want[c.name] && got.confirmed_block >= want[c.name] - CONFIRMATIONS;
    }) && chains;
  }, { timeout: 90_000 });
}

/** Reads a campaign card's numbers from the page. */
async function cardNumbers(page, id) {
  return page.evaluate((id) => {
    const card = document.querySelector(`article[data-campaign="${id}"]`);
    if (!card) return null;
    const f = (name) => card.querySelector(`[data-field="${name}"]`);
    return {
      usd: f("usd-total").dataset.value, usdText: f("usd-total").textContent,
      pending: f("pending-usd").dataset.value, pendingText: f("pending-usd").textContent,
      donations: f("donations").textContent, donors: f("donors").textContent,
      pendingDonations: f("pending-donations").textContent,
      rows: [...card.querySelectorAll('[data-field="donations-list"] li')].map((li) => ({
        tx: li.dataset.tx, status: li.dataset.status, amount: li.querySelector('[data-field="amount"]').dataset.value,
        href: li.querySelector("a.tx-link").href,
      })),
    };
  }, id);
}

const count = (n) => n.toLocaleString("en-US");

/** A TCP port that was free a moment ago. */
async function freePort() {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/** Waits until the page's card for `id` shows exactly what the API says now (the API may move too). */
async function waitCardMatchesApi(page, id, what) {
  let lastApi;
  await waitFor(`${what}: the page's totals for ${id} to equal the API's`, async () => {
    lastApi = await getJSON(`/v1/campaigns/${id}`);
    const shown = await cardNumbers(page, id);
    if (!shown) return false;
    const ok = shown.usd === lastApi.confirmed.usd && shown.pending === lastApi.pending.usd &&
      shown.donations === count(lastApi.confirmed.donations) && shown.donors === count(lastApi.confirmed.donors);
    if (!ok) throw new Error(`page shows ${JSON.stringify({ usd: shown.usd, pending: shown.pending, donations: shown.donations, donors: shown.donors })}, ` +
      `API says ${JSON.stringify({ usd: lastApi.confirmed.usd, pending: lastApi.pending.usd, donations: lastApi.confirmed.donations, donors: lastApi.confirmed.donors })}`);
    return true;
  }, { timeout: 30_000 });
  const shown = await cardNumbers(page, id);
  assertDisplays(shown.usdText, lastApi.confirmed.usd, `${id} confirmed total`);
  assertDisplays(shown.pendingText, lastApi.pending.usd, `${id} pending total`);
  return { api: lastApi, shown };
}

function watchConsole(page, errors) {
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`); });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Event streams cut when a page closes are not failures; anything else is.
    if (!r.url().endsWith("/events")) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
}

/** Wraps a test body so that the teardown knows to keep the temporary directory. */
const check = (fn) => async (t) => {
  try {
    await fn(t);
  } catch (err) {
    failed = true;
    throw err;
  }
};

// ------------------------------------------------------------------------------------------ setup

before(() => setUp().catch((err) => {
  failed = true;
  throw err;
}));

async function setUp() {
  assert.ok(BINARY, "GIVEWATCH_BINARY is not set: it must name the givewatch executable (CTest sets it)");
  assert.ok(fs.existsSync(BINARY), `GIVEWATCH_BINARY=${BINARY} does not exist; build the givewatch target first`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh does)`);
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (err) {
    throw new Error(`cannot load playwright-core (${err.message}); run scripts/setup.sh to install the root npm packages`);
  }

  // The devnet: three nodes; the manifest line, then READY, on stdout.
  const started = Date.now();
  devnet = spawn(DEVNET, ["up", "--dir", tmp, "--ports", "auto", "--api-port", "auto"], {
    stdio: ["ignore", "pipe", fs.openSync(devnetLog, "w")],
  });
  manifest = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`devnet up printed no READY in 90 s:\n${out}\n${tail(devnetLog)}`)), 90_000);
    devnet.stdout.on("data", (chunk) => {
      out += chunk;
      const lines = out.split("\n");
      const ready = lines.indexOf("READY");
      if (ready > 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(lines[ready - 1]));
        } catch (err) {
          reject(new Error(`devnet up: the line before READY is not the manifest: ${lines[ready - 1]}`));
        }
      }
    });
    devnet.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`devnet up exited (${code ?? signal}) before READY:\n${tail(devnetLog)}`));
    });
  });
  console.log(`# devnet up in ${Date.now() - started} ms; files in ${tmp}`);

  // Donations on every chain; celo's last blocks stay unconfirmed, so some totals are pending.
  await devnetCmd("traffic", "--chain", "bsc", "--donations", "20", "--noise", "5", "--seed", "1");
  await devnetCmd("traffic", "--chain", "aurora", "--donations", "8", "--noise", "2", "--seed", "2");
  await devnetCmd("mine", "--chain", "bsc", "--blocks", String(CONFIRMATIONS));
  await devnetCmd("mine", "--chain", "aurora", "--blocks", String(CONFIRMATIONS));
  await devnetCmd("traffic", "--chain", "celo", "--donations", "6", "--seed", "3", "--per-block", "2");

  // The daemon. The API port `devnet up` chose was free then, but other processes may have taken it
  // since: listen on a port found free just now, and try another if that one is taken too.
  // An attestation key, so that the pages show its signer (the API tests cover a server without one).
  const keyFile = path.join(tmp, "attest.key");
  const made = await new Promise((resolve, reject) => execFile(BINARY, ["keygen", "--out", keyFile], (err, stdout, stderr) =>
    err ? reject(new Error(`givewatch keygen failed (${err.code}):\n${stderr}${stdout}`)) : resolve(stdout + stderr)));
  signer = /signer address: (0x[0-9a-fA-F]{40})/.exec(made)?.[1];
  assert.ok(signer, `givewatch keygen printed no signer address:\n${made}`);
  const config = `${fs.readFileSync(manifest.config, "utf8")}\n[attestation]\nkey_file = ${JSON.stringify(keyFile)}\n`;
  assert.match(config, /^listen = "127\.0\.0\.1:\d+"$/m, `${manifest.config} has no [server] listen line`);
  for (let attempt = 1; ; ++attempt) {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    fs.writeFileSync(manifest.config, config.replace(/^listen = ".*"$/m, `listen = "127.0.0.1:${port}"`));
    const logFd = fs.openSync(gwLog, "w");
    givewatch = spawn(BINARY, ["run", "--config", manifest.config], { stdio: ["ignore", logFd, logFd] });
    fs.closeSync(logFd);
    givewatchExit = once(givewatch, "exit");
    givewatch.once("exit", (code, signal) => { givewatch.exited = { code, signal }; });
    // Until it says it listens, an answer on the port may come from someone else.
    const listening = await waitFor(`givewatch to listen on ${api}`, () => {
      if (givewatch.exited) return "exited";
      return new RegExp(`listening on \\S*127\\.0\\.0\\.1:${port}\\b`, "i").test(fs.readFileSync(gwLog, "utf8")) && "listening";
    }, { timeout: 60_000, interval: 100 });
    if (listening === "listening") break;
    await givewatchExit;
    const log = fs.readFileSync(gwLog, "utf8");
    if (!log.includes("Address already in use") || attempt === 3) {
      throw new Error(`givewatch exited (${JSON.stringify(givewatch.exited)}) before it listened:\n${tail(gwLog)}`);
    }
  }
  await waitFor(`${api}/readyz to answer 200`, async () => {
    if (givewatch.exited) {
      throw Object.assign(new Error(`givewatch exited (${JSON.stringify(givewatch.exited)}) before it was ready:\n${tail(gwLog)}`), { fatal: true });
    }
    return (await fetch(`${api}/readyz`)).status === 200;
  }, { timeout: 120_000 });
  await waitIndexed();
  console.log(`# givewatch ready at ${api} and indexed, ${Date.now() - started} ms after the start`);

  context = await chromium.launchPersistentContext(path.join(tmp, "chromium-profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
    viewport: { width: 1440, height: 900 },
    colorScheme: "light",
    locale: "en-US",
    timeout: 60_000,
  });
}

after(async () => {
  await dashboard?.close().catch(() => {});
  await context?.close().catch(() => {});
  testServer?.close();
  if (givewatch && !givewatch.exited) {
    givewatch.kill("SIGKILL");
    await givewatchExit;
  }
  if (devnet && devnet.exitCode === null && devnet.signalCode === null) {
    const exited = once(devnet, "exit");
    devnet.kill("SIGTERM");
    const timer = setTimeout(() => devnet.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  }
  if (!devnet) {
    fs.rmSync(tmp, { recursive: true, force: true });  // failed before anything ran: nothing to keep
  } else if (failed) {
    console.log(`# kept ${tmp} (logs: givewatch.log, devnet-up.log)`);
  } else if (!process.env.SCREENSHOT_DIR) {
    for (const name of fs.readdirSync(tmp)) {
      if (name !== "screenshots") fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
    }
    console.log(`# screenshots in ${shots}`);
  } else {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------------------------------ tests

describe("dashboard", { timeout: 240_000 }, () => {
  const errors = [];

  it("shows every campaign with the API's exact totals and latest donations", { timeout: 90_000 }, check(async () => {
    dashboard = await context.newPage();
    watchConsole(dashboard, errors);
    const streams = [];
    dashboard.on("request", (r) => {
      const where = new URL(r.url()).pathname;
      if (where.endsWith("/events")) streams.push(where);
    });
    await dashboard.goto(`${api}/`);
    await waitFor("the dashboard to load (html[data-loaded])", () => dashboard.$('html[data-loaded="true"]'), { timeout: 30_000 });
    // One event stream for all campaigns, whatever their number (browsers allow 6 connections).
    assert.deepEqual(streams, ["/v1/events"], "the dashboard's event streams");

    const { campaigns } = await getJSON("/v1/campaigns");
    assert.deepEqual(campaigns.map((c) => c.id), CAMPAIGNS, "the API's campaigns");
    for (const c of campaigns) {
      const card = dashboard.locator(`article[data-campaign="${c.id}"]`);
      assert.ok(await card.isVisible(), `no visible card for campaign ${c.id}`);
      assert.equal(await card.locator(".campaign-name").textContent(), c.name, `${c.id}: the card's name`);
      const { api: now, shown } = await waitCardMatchesApi(dashboard, c.id, "first load");
      const { donations } = await getJSON(`/v1/campaigns/${c.id}/donations?status=all&limit=10`);
      assert.deepEqual(shown.rows.map((r) => r.tx), donations.map((d) => d.tx_hash), `${c.id}: donation rows (tx hashes, in order)`);
      assert.deepEqual(shown.rows.map((r) => r.amount), donations.map((d) => d.value), `${c.id}: donation amounts`);
      assert.deepEqual(shown.rows.map((r) => r.status), donations.map((d) => d.status), `${c.id}: donation statuses`);
      for (const [i, d] of donations.entries()) {
        const base = { 56: "https://bscscan.com", 1313161554: "https://explorer.aurora.dev", 42220: "https://celoscan.io" }[d.chain_id];
        assert.equal(shown.rows[i].href, `${base}/tx/${d.tx_hash}`, `${c.id}: explorer link of ${d.tx_hash}`);
      }
      assert.ok(now.confirmed.donations > 0, `${c.id}: the devnet traffic gave it no confirmed donation`);
    }
    // Every campaign got donations on celo in blocks too recent to be confirmed.
    assert.ok(campaigns.some((c) => c.pending.donations > 0), "no campaign has pending donations; the test expects some");

    // The header adds the campaigns up exactly (BigInt on the page, BigInt here).
    const sum = (values) => {
      const scale = Math.max(...values.map((v) => (v.split(".")[1] || "").length));
      const total = values.reduce((a, v) => {
        const [int, frac = ""] = v.split(".");
        return a + BigInt(int + frac.padEnd(scale, "0"));
      }, 0n);
      const s = total.toString().padStart(scale + 1, "0");
      const frac = s.slice(s.length - scale).replace(/0+$/, "");
      return s.slice(0, s.length - scale) + (frac ? `.${frac}` : "");
    };
    const all = await dashboard.locator('[data-field="all-usd-total"]').getAttribute("data-value");
    assert.equal(all, sum(campaigns.map((c) => c.confirmed.usd)), "the header's total of all campaigns");

    // The chains' sync state.
    await waitFor("three chains in the sync panel", async () => (await dashboard.locator("#chains article.chain").count()) === 3);
    const { chains } = await getJSON("/v1/chains");
    for (const ch of chains) {
      const shown = Number((await dashboard.locator(`article.chain[data-chain="${ch.name}"] [data-field="indexed-block"]`).textContent()).replaceAll(",", ""));
      assert.ok(shown >= ch.indexed_block - 2 && shown <= ch.indexed_block, `${ch.name}: indexed block shown ${shown}, API ${ch.indexed_block}`);
      assert.equal(await dashboard.locator(`article.chain[data-chain="${ch.name}"] [data-field="sync-state"]`).textContent(), "In sync", `${ch.name}: sync state`);
    }

    await dashboard.screenshot({ path: path.join(shots, "dashboard.png"), fullPage: true });
    assert.deepEqual(errors, [], "errors in the page");
  }));

  it("shows a new donation and its confirmation live, without a reload", { timeout: 90_000 }, check(async () => {
    await dashboard.evaluate(() => { window.__sameDocument = true; });
    const before = await getJSON("/v1/campaigns/memorial");
    const sent = await devnetCmd("traffic", "--chain", "celo", "--donations", "1", "--seed", "4242", "--campaigns", "memorial");
    await devnetCmd("mine", "--chain", "celo", "--blocks", "1");
    const tx = sent.donations[0].tx_hash.toLowerCase();
    const row = dashboard.locator(`article[data-campaign="memorial"] li[data-tx="${tx}"]`);
    await waitFor(`a row for the new donation ${tx} in memorial's card`, () => row.count());
    assert.equal(await dashboard.locator(`article[data-campaign="memorial"] [data-field="donations-list"] li`).first().getAttribute("data-tx"), tx,
      "the new donation is not the top row");
    assert.equal(await row.getAttribute("data-status"), "pending", "the new donation's status");
    assert.match(await row.getAttribute("class"), /is-new/, "the new row is not highlighted");
    // Its pill counts the blocks on top of it, from the head /v1/chains reports (the chain is still).
    const celo = (await getJSON("/v1/chains")).chains.find((c) => c.name === "celo");
    const depth = `${Math.min(CONFIRMATIONS, celo.head_block - Number(await row.getAttribute("data-block")))}/${CONFIRMATIONS}`;
    await waitFor(`the pending pill of ${tx} to show ${depth}`, async () =>
      (await row.locator('[data-field="depth"]').count()) && (await row.locator('[data-field="depth"]').textContent()) === depth);
    await dashboard.waitForTimeout(600);  // the row's slide-in; its highlight lasts 4 s
    await dashboard.locator('article[data-campaign="memorial"]').screenshot({ path: path.join(shots, "dashboard-new-donation.png") });
    const { api: now } = await waitCardMatchesApi(dashboard, "memorial", "after a new donation");
    assert.equal(now.confirmed.donations + now.pending.donations, before.confirmed.donations + before.pending.donations + 1,
      "the API's donation count (confirmed + pending) did not grow by one");
    assert.ok(await dashboard.locator("#announcer").textContent().then((t) => t.includes("New donation to Political Prisoners. Memorial")),
      "no aria-live announcement of the new donation");

    // Confirmations: the row flips to confirmed and the confirmed total takes the amount.
    await devnetCmd("mine", "--chain", "celo", "--blocks", String(CONFIRMATIONS + 1));
    await waitFor(`the row of ${tx} to turn confirmed`, async () => (await row.getAttribute("data-status")) === "confirmed");
    await waitIndexed();
    const { api: confirmed } = await waitCardMatchesApi(dashboard, "memorial", "after the confirmation");
    assert.equal(confirmed.confirmed.donations, before.confirmed.donations + before.pending.donations + 1,
      "the API's confirmed count after mining past the confirmations");
    assert.equal(await dashboard.evaluate(() => window.__sameDocument), true, "the page was reloaded");
  }));

  it("takes out a donation that a reorg removes", { timeout: 90_000 }, check(async () => {
    const snapshot = await devnetCmd("snapshot", "--chain", "celo");
    const orphan = await devnetCmd("traffic", "--chain", "celo", "--donations", "1", "--seed", "5151", "--campaigns", "hope-of-russia");
    const tx = orphan.donations[0].tx_hash.toLowerCase();
    const row = dashboard.locator(`article[data-campaign="hope-of-russia"] li[data-tx="${tx}"]`);
    await waitFor(`a row for the donation ${tx} that will be orphaned`, () => row.count());
    await devnetCmd("revert", "--chain", "celo", "--id", snapshot.id);
    const replaced = orphan.to_block - orphan.from_block + 1;
    await devnetCmd("mine", "--chain", "celo", "--blocks", String(replaced + 2));  // a longer branch without it
    await waitFor(`the orphaned donation ${tx} to leave the page`, async () => (await row.count()) === 0);
    await waitIndexed();
    await waitCardMatchesApi(dashboard, "hope-of-russia", "after the reorg");
    const res = await fetch(`${api}/v1/tx/celo/${tx}`);
    assert.equal(res.status, 404, `the API still has the orphaned donation ${tx}`);
    assert.deepEqual(errors, [], "errors in the page");
    await dashboard.screenshot({ path: path.join(shots, "dashboard-after-updates.png"), fullPage: true });
    await dashboard.close();  // frees its four event streams (browsers allow 6 connections per server)
    dashboard = null;
  }));

  it("fits a phone-sized screen", { timeout: 60_000 }, check(async () => {
    const phone = await context.newPage();
    const phoneErrors = [];
    watchConsole(phone, phoneErrors);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${api}/`);
    await waitFor("the dashboard to load on a phone", () => phone.$('html[data-loaded="true"]'), { timeout: 30_000 });
    await phone.screenshot({ path: path.join(shots, "dashboard-phone.png"), fullPage: true });
    const widths = await phone.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      view: window.innerWidth,
      // The elements that stick out, for the failure message.
      over: [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className} (right edge ${Math.round(e.getBoundingClientRect().right)})`),
    }));
    assert.ok(widths.scroll <= widths.view, `the page scrolls sideways on a phone: ${widths.scroll} px wide in ${widths.view}; ${widths.over.join(", ")}`);
    await phone.close();
    assert.deepEqual(phoneErrors, [], "errors in the page");
  }));
});

const env = {
  get context() { return context; }, get api() { return api; }, get signer() { return signer; }, shots, CONFIRMATIONS,
  devnetCmd, waitFor, getJSON, waitIndexed, watchConsole, check, assertDisplays,
};
languageTests(env);
receiptTests(env);

describe("widget", { timeout: 180_000 }, () => {
  it("shows live totals on a page of another origin, isolated, with one global", { timeout: 120_000 }, check(async () => {
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A campaign's own page</title><link rel="icon" href="data:,">
<script>window.__globalsBefore = Object.getOwnPropertyNames(window);</script>
<style>
  body { font-family: Georgia, serif; background: #f6f1e7; color: #222; margin: 0; padding: 32px 48px; }
  main { display: grid; grid-template-columns: 380px 380px; gap: 32px; align-items: start; }
  /* A hostile stylesheet: the widget must not pick any of this up. */
  p, span, strong, div, section { color: rgb(255, 0, 0) !important; font-size: 9px !important; }
  h1 { font-size: 26px; margin: 0 0 8px; } h2 { font-size: 16px; margin: 24px 0 8px; }
</style></head>
<body>
<h1>Help political prisoners in Russia</h1>
<main>
  <div id="left"><h2>Political Prisoners. Memorial</h2>
    <script src="${api}/widget.js" data-campaign="memorial"></script>
    <h2>Hope of Russia (dark theme)</h2>
    <script src="${api}/widget.js" data-campaign="hope-of-russia" data-theme="dark"></script>
  </div>
  <div><h2>As an iframe</h2>
    <iframe id="frame" src="${api}/?widget=memorial" width="360" height="240" style="border:0" title="Donations to Memorial"></iframe>
  </div>
</main>
</body></html>`;
    testServer = http.createServer((req, res) => {
      res.writeHead(req.url === "/" ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
      res.end(req.url === "/" ? html : "not found");
    });
    testServer.listen(0, "127.0.0.1");
    await once(testServer, "listening");
    const pageUrl = `http://127.0.0.1:${testServer.address().port}/`;

    const page = await context.newPage();
    const errors = [];
    watchConsole(page, errors);
    await page.setViewportSize({ width: 960, height: 640 });
    await page.goto(pageUrl);

    const widgetTotal = (id) => page.locator(`.givewatch-widget[data-campaign="${id}"] [data-field="usd-total"]`);
    const frameTotal = page.frameLocator("#frame").locator('.givewatch-widget[data-campaign="memorial"] [data-field="usd-total"]');
    for (const id of ["memorial", "hope-of-russia"]) {
      const c = await getJSON(`/v1/campaigns/${id}`);
      await waitFor(`the ${id} widget (cross-origin, CORS) to show the API's total ${c.confirmed.usd}`,
        async () => (await widgetTotal(id).getAttribute("data-value")) === c.confirmed.usd, { timeout: 30_000 });
      assertDisplays(await widgetTotal(id).textContent(), c.confirmed.usd, `${id} widget total`);
      assert.equal(await page.locator(`.givewatch-widget[data-campaign="${id}"] .total`).textContent(), `$${await widgetTotal(id).textContent()}`,
        `${id} widget total in dollars`);
      const donors = await page.locator(`.givewatch-widget[data-campaign="${id}"] [data-field="donors"]`).textContent();
      assert.equal(donors, count(c.confirmed.donors), `${id} widget donor count`);
      const note = await page.locator(`.givewatch-widget[data-campaign="${id}"] .verified`).textContent();
      assert.match(note, /verified on-chain by givewatch/i, `${id} widget's note`);
    }
    const memorial = await getJSON("/v1/campaigns/memorial");
    await waitFor("the iframe widget (/?widget=memorial) to show the total",
      async () => (await frameTotal.getAttribute("data-value")) === memorial.confirmed.usd, { timeout: 30_000 });

    // Placement, isolation, globals.
    const layout = await page.evaluate(() => {
      const s = document.querySelector('script[data-campaign="memorial"]');
      const host = document.querySelector('.givewatch-widget[data-campaign="memorial"]');
      const inner = host.shadowRoot.querySelector('[data-field="usd-total"]');
      return {
        afterScript: s.nextElementSibling === host,
        color: getComputedStyle(inner).color,
        fontSize: getComputedStyle(inner).fontSize,
        // (window's own numeric properties are its frames: the iframe is window[0])
        globals: Object.getOwnPropertyNames(window).filter((n) => !window.__globalsBefore.includes(n) && n !== "__globalsBefore" && !/^\d+$/.test(n)),
      };
    });
    assert.ok(layout.afterScript, "the memorial widget is not right after its script tag");
    assert.notEqual(layout.color, "rgb(255, 0, 0)", "the page's stylesheet reached into the widget (colour)");
    assert.notEqual(layout.fontSize, "9px", "the page's stylesheet reached into the widget (font size)");
    assert.deepEqual(layout.globals, ["GivewatchWidget"], "globals the widget added to the page");

    // Live: a donation to memorial shows up in the widget's pending amount, and the iframe's.
    const sent = await devnetCmd("traffic", "--chain", "celo", "--donations", "1", "--seed", "6161", "--campaigns", "memorial");
    await waitFor(`the API to have the donation ${sent.donations[0].tx_hash}`, async () => (await fetch(`${api}/v1/tx/celo/${sent.donations[0].tx_hash}`)).ok);
    await waitFor("the memorial widget's pending amount to equal the API's", async () => {
      const c = await getJSON("/v1/campaigns/memorial");
      const shown = await page.locator('.givewatch-widget[data-campaign="memorial"] [data-field="pending-usd"]').getAttribute("data-value");
      const framed = await page.frameLocator("#frame").locator('[data-field="pending-usd"]').getAttribute("data-value");
      if (shown !== c.pending.usd || framed !== c.pending.usd) throw new Error(`widget ${shown}, iframe ${framed}, API ${c.pending.usd}`);
      return true;
    }, { timeout: 30_000 });
    await page.waitForTimeout(900);  // let the total's highlight fade before the picture
    await page.screenshot({ path: path.join(shots, "widget.png") });
    assert.deepEqual(errors, [], "errors in the page");
    // The page stays open: givewatch is stopped below with its event streams connected.
  }));

  it("givewatch exits 0 on SIGTERM with event streams open", { timeout: 60_000 }, check(async () => {
    assert.ok(!givewatch.exited, `givewatch already exited: ${JSON.stringify(givewatch.exited)}`);
    const started = Date.now();
    givewatch.kill("SIGTERM");
    const timer = setTimeout(() => givewatch.kill("SIGKILL"), 45_000);
    const [code, signal] = await givewatchExit;
    clearTimeout(timer);
    assert.equal(signal, null, `givewatch was killed by ${signal} (it did not stop within 45 s of SIGTERM)\n${tail(gwLog)}`);
    assert.equal(code, 0, `givewatch exited ${code} on SIGTERM\n${tail(gwLog)}`);
    console.log(`# givewatch stopped in ${Date.now() - started} ms`);
  }));
});
