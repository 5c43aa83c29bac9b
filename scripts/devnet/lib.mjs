// Shared pieces of givewatch's devnet tool: JSON-RPC over fetch, keccak, EIP-55 addresses, ABI
// encoding by hand, a seeded random generator and argument parsing. No wallet library is used.
import { keccak_256 } from "@noble/hashes/sha3.js";

// ---------------------------------------------------------------------------------------------
// Errors and output

/** An error whose message is printed as it is, without a stack trace. */
export class DevnetError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export class UsageError extends DevnetError {
  constructor(message) {
    super(message, 2);
  }
}

let quiet = false;
export function setQuiet(value) {
  quiet = value;
}

/** One diagnostic line on stderr. */
export function log(...parts) {
  if (!quiet) process.stderr.write(`devnet: ${parts.join(" ")}\n`);
}

/** One JSON document as one line on stdout. */
export function emit(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC

let nextId = 1;

async function post(url, body, timeoutMs, what) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const code = error?.cause?.code;
    const reason = error?.name === "TimeoutError" ? `no answer within ${timeoutMs} ms`
      : code === "ECONNREFUSED" ? "nothing listens there (is `devnet up` still running?)"
      : (code ?? error?.message);
    throw new DevnetError(`${what} to ${url} failed: ${reason}`);
  }
  const text = await response.text();
  if (!response.ok) throw new DevnetError(`${what} to ${url} failed: HTTP ${response.status} ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new DevnetError(`${what} to ${url}: the answer is not JSON: ${text.slice(0, 200)}`);
  }
}

function rpcErrorText(method, error) {
  const data = error.data === undefined ? "" : ` (data: ${JSON.stringify(error.data).slice(0, 300)})`;
  return `${method} failed: ${error.message ?? JSON.stringify(error)}${data}`;
}

/** Calls one JSON-RPC method; throws on a transport or JSON-RPC error. */
export async function rpc(url, method, params = [], timeoutMs = 60_000) {
  const id = nextId++;
  const answer = await post(url, { jsonrpc: "2.0", id, method, params }, timeoutMs, method);
  if (answer.error) throw new DevnetError(rpcErrorText(method, answer.error));
  return answer.result;
}

/**
 * Sends calls ([method, params] pairs) as JSON-RPC batches of at most `chunk` calls, in order, and
 * returns their results in the same order. Any error in any call throws.
 */
export async function rpcBatch(url, calls, { chunk = 1000, timeoutMs = 300_000 } = {}) {
  const results = [];
  for (let start = 0; start < calls.length; start += chunk) {
    const part = calls.slice(start, start + chunk);
    const firstId = nextId;
    nextId += part.length;
    const body = part.map(([method, params], i) => ({ jsonrpc: "2.0", id: firstId + i, method, params: params ?? [] }));
    const answer = await post(url, body, timeoutMs, `a batch of ${part.length} calls (${part[0][0]}...)`);
    if (!Array.isArray(answer)) {
      throw new DevnetError(`a batch to ${url} was answered with ${JSON.stringify(answer).slice(0, 300)}`);
    }
    const byId = new Map(answer.map((item) => [item.id, item]));
    for (let i = 0; i < part.length; i++) {
      const item = byId.get(firstId + i);
      if (!item) throw new DevnetError(`a batch to ${url} has no answer for call ${i} (${part[i][0]})`);
      if (item.error) throw new DevnetError(rpcErrorText(part[i][0], item.error));
      results.push(item.result);
    }
  }
  return results;
}

/** Polls eth_chainId until the node answers, or throws after timeoutMs. */
export async function waitForNode(url, timeoutMs, isAlive = () => true) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const answer = await post(url, { jsonrpc: "2.0", id: 0, method: "eth_chainId", params: [] }, 2_000, "eth_chainId");
      if (answer.result) return BigInt(answer.result);
    } catch {
      // not listening yet
    }
    if (!isAlive()) throw new DevnetError(`the node for ${url} exited before it answered eth_chainId`);
    if (performance.now() > deadline) throw new DevnetError(`the node at ${url} did not answer eth_chainId within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Hex, keccak, addresses

export const hex = (bytes) => Buffer.from(bytes).toString("hex");
export const keccakHex = (input) => hex(keccak_256(typeof input === "string" ? new TextEncoder().encode(input) : input));
export const selector = (signature) => `0x${keccakHex(signature).slice(0, 8)}`;

/** Selectors are computed at start-up and checked against the well-known values. */
export const SELECTORS = {
  transfer: selector("transfer(address,uint256)"),
  mint: selector("mint(address,uint256)"),
  batchTransfer: selector("batchTransfer(address[],uint256[])"),
  balanceOf: selector("balanceOf(address)"),
};
export const TRANSFER_TOPIC = `0x${keccakHex("Transfer(address,address,uint256)")}`;
if (SELECTORS.transfer !== "0xa9059cbb" || SELECTORS.mint !== "0x40c10f19" || SELECTORS.batchTransfer !== "0x88d695b2" ||
    TRANSFER_TOPIC !== "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef") {
  throw new Error("keccak self-check failed");
}

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** The EIP-55 mixed-case form of an address. */
export function checksumAddress(address) {
  const lower = address.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{40}$/.test(lower)) throw new DevnetError(`not an address: ${address}`);
  const hash = keccakHex(lower);
  let out = "0x";
  for (let i = 0; i < 40; i++) out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  return out;
}

export const lower = (address) => address.toLowerCase();

/** A 32-byte topic holding an address. */
export const addressTopic = (address) => `0x${"0".repeat(24)}${lower(address).slice(2)}`;
export const topicAddress = (topic) => `0x${topic.slice(-40)}`.toLowerCase();

// ---------------------------------------------------------------------------------------------
// ABI encoding

export const word = (value) => BigInt(value).toString(16).padStart(64, "0");
export const addressWord = (address) => lower(address).slice(2).padStart(64, "0");

function stringTail(text) {
  const bytes = Buffer.from(text, "utf8");
  const padded = Math.ceil(bytes.length / 32) * 32;
  return word(bytes.length) + bytes.toString("hex").padEnd(padded * 2, "0");
}

/** ABI-encodes (string, string, uint8) constructor arguments. */
export function encodeStringStringUint(a, b, n) {
  const tailA = stringTail(a);
  const offsetA = 3 * 32;
  const offsetB = offsetA + tailA.length / 2;
  return word(offsetA) + word(offsetB) + word(n) + tailA + stringTail(b);
}

export const encodeTransfer = (to, amount) => SELECTORS.transfer + addressWord(to) + word(amount);
export const encodeMint = (to, amount) => SELECTORS.mint + addressWord(to) + word(amount);

export function encodeBatchTransfer(recipients, amounts) {
  const n = recipients.length;
  const offsetTo = 2 * 32;
  const offsetAmounts = offsetTo + 32 * (1 + n);
  return SELECTORS.batchTransfer + word(offsetTo) + word(offsetAmounts) +
    word(n) + recipients.map(addressWord).join("") + word(n) + amounts.map(word).join("");
}

export const toQuantity = (n) => `0x${BigInt(n).toString(16)}`;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** A small seeded generator (mulberry32); `next()` is uniform in [0, 1). */
export class Random {
  constructor(seed) {
    this.state = seed >>> 0;
  }
  uint32() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  next() {
    return this.uint32() / 4294967296;
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  /** A BigInt uniform in [lo, hi]. */
  bigint(lo, hi) {
    const span = hi - lo + 1n;
    const bits = span.toString(2).length + 64;
    let value = 0n;
    for (let i = 0; i < bits; i += 32) value = (value << 32n) | BigInt(this.uint32());
    return lo + (value % span);
  }
  address() {
    let out = "0x";
    for (let i = 0; i < 5; i++) out += this.uint32().toString(16).padStart(8, "0");
    return out;
  }
  shuffle(items) {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/**
 * A donation amount in base units: mostly 1..10,000 whole tokens with cents, some of 1..10 base
 * units, and some near 10^30 base units.
 */
export function randomAmount(random, decimals) {
  const kind = random.next();
  if (kind < 0.08) return BigInt(random.int(1, 10));
  if (kind < 0.16) return 10n ** 30n + random.bigint(-(10n ** 27n), 10n ** 27n);
  const unit = 10n ** BigInt(decimals);
  const cents = BigInt(random.int(100, 1_000_000));
  return decimals >= 2 ? (cents * unit) / 100n + random.bigint(0n, unit / 100n) : cents;
}

/**
 * A donation amount a real campaign sees, in base units: $2 to $3,000 in whole cents, half of them
 * round sums ($5, $25, $100, ...), the others spread evenly on a log scale (most gifts are small).
 * The demo uses these (`--amounts realistic`); the tests keep randomAmount's edge cases.
 */
export function realisticAmount(random, decimals) {
  const round = [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
  const cents = random.next() < 0.5 ? BigInt(random.pick(round) * 100) : BigInt(Math.round(200 * 1500 ** random.next()));
  return decimals >= 2 ? cents * 10n ** BigInt(decimals - 2) : cents / 10n ** BigInt(2 - decimals);
}

/** The amount function of an `--amounts` option: "edge" (the default, randomAmount) or "realistic". */
export function amountsOf(command, name = "edge") {
  if (name === "edge") return randomAmount;
  if (name === "realistic") return realisticAmount;
  throw new UsageError(`${command}: --amounts must be edge or realistic, not '${name}'`);
}

// ---------------------------------------------------------------------------------------------
// Arguments

/**
 * Parses `--name value` and `--flag` options. `spec` maps each allowed name to "string", "int" or
 * "flag"; names listed in `required` must be given.
 */
export function parseOptions(command, args, spec, required = []) {
  const options = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !(match[1] in spec)) {
      const known = Object.keys(spec).map((name) => `--${name}`).join(", ");
      throw new UsageError(`${command}: unknown argument '${arg}'; expected ${known || "no arguments"}`);
    }
    const [, name, inline] = match;
    const key = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (spec[name] === "flag") {
      options[key] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`${command}: --${name} needs a value`);
    if (spec[name] === "int") {
      if (!/^-?[0-9]+$/.test(value)) throw new UsageError(`${command}: --${name} expects an integer, got '${value}'`);
      options[key] = Number(value);
    } else {
      options[key] = value;
    }
  }
  for (const name of required) {
    const key = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (options[key] === undefined) throw new UsageError(`${command}: --${name} is required`);
  }
  return options;
}
