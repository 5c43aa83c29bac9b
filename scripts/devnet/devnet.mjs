// givewatch's local EVM devnet: Hardhat 3 nodes standing in for BSC, Aurora and Celo, a dev ERC-20
// on each, four campaigns, donation traffic, reorgs, the ground truth from the nodes' own logs, and
// the data for the indexing benchmark. Run it as `scripts/devnet/devnet COMMAND ...` (which uses the
// project's Node 22). Results are JSON on stdout, diagnostics on stderr; see docs/devnet.md.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { compileDevToken } from "./compile.mjs";
import {
  DevnetError, UsageError, Random, TRANSFER_TOPIC, ZERO_ADDRESS, addressTopic, checksumAddress, emit,
  amountsOf, encodeBatchTransfer, encodeMint, encodeStringStringUint, encodeTransfer, log, lower, parseOptions,
  rpc, rpcBatch, setQuiet, sleep, toQuantity, topicAddress, waitForNode,
} from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// What the devnet sets up

/** The chains givewatch watches, their ids, default ports and the configured stablecoin on each. */
const CHAINS = {
  bsc: { chain_id: 56, port: 8545, token: { name: "Binance USD (devnet)", symbol: "BUSD", decimals: 18 } },
  aurora: { chain_id: 1313161554, port: 8546, token: { name: "USD Coin (devnet)", symbol: "USDC", decimals: 6 } },
  celo: { chain_id: 42220, port: 8547, token: { name: "Celo Dollar (devnet)", symbol: "cUSD", decimals: 18 } },
};
const FAKE = { name: "Not A Configured Token", symbol: "FAKE", decimals: 18 };

const CAMPAIGNS = [
  { id: "russia-behind-bars", name: "Russia Behind Bars" },
  { id: "memorial", name: "Political Prisoners. Memorial" },
  { id: "moscow-helsinki-group", name: "Moscow Helsinki Group" },
  { id: "hope-of-russia", name: "Hope of Russia" },
];

const TX_GAS = 150_000n;
const ETH_BALANCE = toQuantity(10n ** 24n); // a million ETH for gas
const POOL_BALANCE = 10n ** 40n; // base units minted to each sender of `stream` and `bench-populate`

// ---------------------------------------------------------------------------------------------
// Manifest access

function loadManifest(file) {
  if (!file) throw new UsageError("--manifest is required");
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new DevnetError(`cannot read the manifest ${file}: ${error.message}`);
  }
  if (!Array.isArray(manifest.chains) || !Array.isArray(manifest.campaigns)) {
    throw new DevnetError(`${file} is not a devnet manifest (no chains or campaigns)`);
  }
  return manifest;
}

function chainOf(manifest, name) {
  if (!name) throw new UsageError("--chain is required");
  const chain = manifest.chains.find((c) => c.name === name);
  if (!chain) {
    throw new UsageError(`unknown chain '${name}'; the manifest has ${manifest.chains.map((c) => c.name).join(", ")}`);
  }
  return chain;
}

/** The campaigns with an address on `chain`, optionally only the ids in `only` (comma-separated). */
function campaignsOn(manifest, chain, only) {
  let campaigns = manifest.campaigns.filter((c) => c.addresses[chain.name]);
  if (only) {
    const wanted = only.split(",").map((s) => s.trim()).filter(Boolean);
    for (const id of wanted) {
      if (!manifest.campaigns.some((c) => c.id === id)) {
        throw new UsageError(`unknown campaign '${id}'; expected one of ${manifest.campaigns.map((c) => c.id).join(", ")}`);
      }
    }
    campaigns = campaigns.filter((c) => wanted.includes(c.id));
  }
  if (campaigns.length === 0) throw new DevnetError(`no campaign has an address on ${chain.name}`);
  return campaigns;
}

async function headOf(url) {
  const block = await rpc(url, "eth_getBlockByNumber", ["latest", false]);
  return { head: Number(BigInt(block.number)), hash: block.hash };
}

// ---------------------------------------------------------------------------------------------
// Sending transactions block by block

/** Impersonates `addresses` on the node and gives each plenty of ETH for gas. */
async function unlock(url, addresses) {
  const calls = [];
  for (const address of new Set(addresses.map(lower))) {
    calls.push(["hardhat_impersonateAccount", [address]], ["hardhat_setBalance", [address, ETH_BALANCE]]);
  }
  if (calls.length) await rpcBatch(url, calls);
}

const tx = (from, to, data, gas = TX_GAS) => ({ from: lower(from), to: lower(to), data, gas: toQuantity(gas) });

/**
 * Mines one block per entry of `blocks` (an array of arrays of transactions), with automine off:
 * each block's transactions go to the node in one JSON-RPC batch, then one evm_mine. Checks every
 * receipt, restores automine, and returns the hashes per block and the first and last block mined.
 */
async function mineBlocks(url, blocks, { onBlock } = {}) {
  const automine = await rpc(url, "hardhat_getAutomine");
  if (automine) await rpc(url, "evm_setAutomine", [false]);
  const hashes = [];
  let first;
  try {
    const start = await headOf(url);
    first = start.head + 1;
    for (const [index, txs] of blocks.entries()) {
      // The node answers the calls of one batch concurrently: evm_mine goes in a request of its own,
      // after every transaction of the block is in the pool.
      hashes.push(txs.length ? await rpcBatch(url, txs.map((t) => ["eth_sendTransaction", [t]]), { chunk: txs.length }) : []);
      await rpc(url, "evm_mine");
      onBlock?.(index);
    }
    await checkReceipts(url, hashes.flat());
  } finally {
    if (automine) await rpc(url, "evm_setAutomine", [true]).catch(() => {});
  }
  const end = await headOf(url);
  return { hashes, from_block: first, to_block: end.head };
}

/** Mines until every transaction is in a block, then checks that none reverted. */
async function checkReceipts(url, hashes) {
  for (let round = 0; hashes.length; round++) {
    const receipts = await rpcBatch(url, hashes.map((h) => ["eth_getTransactionReceipt", [h]]));
    const pending = hashes.filter((_, i) => !receipts[i]);
    const failed = receipts.filter((r) => r && r.status !== "0x1");
    if (failed.length) {
      throw new DevnetError(`${failed.length} transactions reverted, e.g. ${failed[0].transactionHash} in block ${BigInt(failed[0].blockNumber)}`);
    }
    if (!pending.length) return;
    if (round >= 10) throw new DevnetError(`${pending.length} transactions were never mined, e.g. ${pending[0]}`);
    log(`${pending.length} transactions did not fit in their block; mining one more`);
    await rpc(url, "evm_mine");
    hashes = pending;
  }
}

function chunk(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function accountsOf(url) {
  const accounts = await rpc(url, "eth_accounts");
  if (!accounts?.length) throw new DevnetError(`${url} has no unlocked accounts`);
  return accounts;
}

// ---------------------------------------------------------------------------------------------
// up

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error) => resolve(error.code === "EADDRINUSE" || error.code === "EACCES" ? false : true));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port that is free on 127.0.0.1 now (the system's choice of an ephemeral port). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function tomlString(text) {
  return JSON.stringify(text);
}

function givewatchToml(manifest, dataPath, listen) {
  const lines = [
    "# givewatch configuration for the local devnet, written by `scripts/devnet/devnet up`.",
    "# The chains are Hardhat nodes; the token addresses and campaign addresses are the devnet's own.",
    "",
    "[server]",
    `listen = ${tomlString(listen)}`,
    "",
    "[storage]",
    `path = ${tomlString(dataPath)}`,
  ];
  for (const chain of manifest.chains) {
    lines.push("", "[[chains]]", `name = ${tomlString(chain.name)}`, `chain_id = ${chain.chain_id}`,
      `rpc = [${tomlString(chain.rpc)}]`, "confirmations = 3", "poll_interval_ms = 200", "max_block_range = 1000");
  }
  for (const chain of manifest.chains) {
    lines.push("", "[[tokens]]", `chain = ${tomlString(chain.name)}`, `symbol = ${tomlString(chain.token.symbol)}`,
      `address = ${tomlString(chain.token.address)}`, `decimals = ${chain.token.decimals}`, "usd = true");
  }
  for (const campaign of manifest.campaigns) {
    lines.push("", "[[campaigns]]", `id = ${tomlString(campaign.id)}`, `name = ${tomlString(campaign.name)}`, "addresses = [");
    for (const chain of manifest.chains) {
      const address = campaign.addresses[chain.name];
      if (address) lines.push(`  { chain = ${tomlString(chain.name)}, address = ${tomlString(address)}, start_block = 0 },`);
    }
    lines.push("]");
  }
  return `${lines.join("\n")}\n`;
}

async function deploy(url, from, bytecode, token) {
  const data = bytecode + encodeStringStringUint(token.name, token.symbol, token.decimals);
  const hash = await rpc(url, "eth_sendTransaction", [{ from, data, gas: toQuantity(5_000_000n) }]);
  const receipt = await rpc(url, "eth_getTransactionReceipt", [hash]);
  if (!receipt || receipt.status !== "0x1" || !receipt.contractAddress) {
    throw new DevnetError(`deploying ${token.symbol} on ${url} failed (transaction ${hash})`);
  }
  return { address: checksumAddress(receipt.contractAddress), block: Number(BigInt(receipt.blockNumber)) };
}

async function cmdUp(args) {
  const o = parseOptions("up", args, {
    dir: "string", ports: "string", chains: "string", "api-port": "string", "start-timeout-ms": "int",
    "node-logs": "flag", "keep-data": "flag",
  }, ["dir"]);
  const dir = path.resolve(o.dir);
  const names = (o.chains ?? "bsc,aurora,celo").split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!CHAINS[name]) throw new UsageError(`up: unknown chain '${name}'; expected some of ${Object.keys(CHAINS).join(", ")}`);
  }
  if (new Set(names).size !== names.length || names.length === 0) throw new UsageError("up: --chains must name each chain once");
  // "auto" takes ports the system reports free, for tests that run side by side.
  let ports;
  if (o.ports === "auto") {
    ports = [];
    while (ports.length < names.length) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
  } else {
    ports = o.ports ? o.ports.split(",").map((s) => Number(s.trim())) : names.map((n) => CHAINS[n].port);
  }
  if (ports.length !== names.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new UsageError(`up: --ports needs one port (1..65535) per chain, in the order of --chains (${names.join(",")}), or 'auto'`);
  }
  if (new Set(ports).size !== ports.length) throw new UsageError("up: --ports lists a port twice");
  let apiPort = o.apiPort === undefined ? 8080 : o.apiPort === "auto" ? await freePort() : Number(o.apiPort);
  while (ports.includes(apiPort) && o.apiPort === "auto") apiPort = await freePort();
  if (!Number.isInteger(apiPort) || apiPort < 1 || apiPort > 65535) throw new UsageError("up: --api-port must be 1..65535 or 'auto'");
  const startTimeout = o.startTimeoutMs ?? 30_000;

  for (const [i, port] of ports.entries()) {
    if (!(await portIsFree(port))) {
      throw new DevnetError(`port ${port} (for ${names[i]}) on 127.0.0.1 is already in use; stop what listens there or choose others with --ports`);
    }
  }

  fs.mkdirSync(path.join(dir, "logs"), { recursive: true });
  const dataPath = path.join(dir, "data");
  if (!o.keepData && fs.existsSync(path.join(dir, "devnet.json")) && fs.existsSync(dataPath)) {
    log(`removing ${dataPath}: it indexed an earlier devnet, whose chains are gone (--keep-data keeps it)`);
    fs.rmSync(dataPath, { recursive: true, force: true });
  }
  fs.rmSync(path.join(dir, "devnet.json"), { force: true });

  // Start the nodes first: they boot while DevToken compiles.
  const t0 = performance.now();
  const nodes = [];
  let stopping = false;
  let ready = false;
  const stopAll = async () => {
    stopping = true;
    await Promise.all(nodes.map(({ child }) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      child.once("exit", () => { clearTimeout(timer); resolve(); });
      child.kill("SIGTERM");
    })));
  };
  const onSignal = async (signal) => {
    log(`${signal}: stopping the nodes`);
    await stopAll();
    process.exit(ready ? 0 : 1);
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));

  try {
    for (const [i, name] of names.entries()) {
      const logFile = path.join(dir, "logs", `${name}.log`);
      const fd = fs.openSync(logFile, "w");
      const child = spawn(process.execPath, [path.join(here, "hardhat-node.mjs"), "--chain-id", String(CHAINS[name].chain_id),
        "--port", String(ports[i]), "--hostname", "127.0.0.1"], {
        cwd: here,
        env: { ...process.env, GIVEWATCH_DEVNET_STATE: path.join(dir, "hardhat", name) },
        stdio: ["pipe", fd, fd],
      });
      fs.closeSync(fd);
      const node = { name, port: ports[i], url: `http://127.0.0.1:${ports[i]}`, child, logFile };
      child.on("exit", (code, signal) => {
        if (stopping) return;
        const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
        log(`the ${name} node (port ${ports[i]}) exited (${signal ?? `code ${code}`}); its log ${logFile} ends with:\n${tail}`);
        if (ready) {
          stopAll().then(() => process.exit(1));
        }
      });
      nodes.push(node);
    }

    // Settled into a value, so that a compiler error waits for the nodes instead of going unhandled.
    const compiled = compileDevToken(dir).then((artifact) => ({ artifact }), (error) => ({ error }));
    const started = await Promise.all(nodes.map(async (node) => {
      const alive = () => node.child.exitCode === null && node.child.signalCode === null;
      const id = await waitForNode(node.url, startTimeout, alive);
      if (id !== BigInt(CHAINS[node.name].chain_id)) {
        throw new DevnetError(`the node at ${node.url} reports chain id ${id}, expected ${CHAINS[node.name].chain_id}`);
      }
      if (!o.nodeLogs) await rpc(node.url, "hardhat_setLoggingEnabled", [false]);
      return performance.now() - t0;
    }));
    const startMs = Math.max(...started);
    log(`${names.length} Hardhat nodes answer after ${Math.round(startMs)} ms`);

    const { artifact, error: compileError } = await compiled;
    if (compileError) throw new DevnetError(compileError.message);
    if (!artifact.cached) log(`compiled DevToken with solc ${artifact.solc} in ${Math.round(artifact.ms)} ms`);
    const t1 = performance.now();

    const campaigns = CAMPAIGNS.map((c) => ({
      ...c,
      addresses: Object.fromEntries(names.map((n) => [n, checksumAddress(`0x${randomBytes(20).toString("hex")}`)])),
    }));
    const allCampaignAddresses = campaigns.flatMap((c) => Object.values(c.addresses));

    const chains = await Promise.all(nodes.map(async (node, i) => {
      const accounts = await accountsOf(node.url);
      // A different deployer on each chain gives every token a different address on every chain.
      const deployer = accounts[i % accounts.length];
      const spec = CHAINS[node.name];
      const token = await deploy(node.url, deployer, artifact.bytecode, spec.token);
      const fake = await deploy(node.url, deployer, artifact.bytecode, FAKE);
      await unlock(node.url, allCampaignAddresses);
      return {
        name: node.name,
        chain_id: spec.chain_id,
        rpc: node.url,
        port: node.port,
        token: { symbol: spec.token.symbol, address: token.address, decimals: spec.token.decimals },
        fake_token: { symbol: FAKE.symbol, address: fake.address, decimals: FAKE.decimals },
        deploy_block: token.block,
        deployer: checksumAddress(deployer),
        pid: node.child.pid,
        log: node.logFile,
      };
    }));
    const deployMs = performance.now() - t1;
    log(`deployed ${2 * chains.length} tokens in ${Math.round(deployMs)} ms (DevToken ${artifact.cached ? "from the cache" : "compiled"})`);

    const manifest = {
      dir,
      config: path.join(dir, "givewatch.toml"),
      api: `127.0.0.1:${apiPort}`,
      pid: process.pid,
      chains,
      campaigns,
      timings_ms: { nodes_start: Math.round(startMs), deploy: Math.round(deployMs) },
    };
    fs.writeFileSync(manifest.config, givewatchToml(manifest, dataPath, manifest.api));
    const manifestFile = path.join(dir, "devnet.json");
    fs.writeFileSync(`${manifestFile}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(`${manifestFile}.tmp`, manifestFile);
    emit(manifest);
    process.stdout.write("READY\n");
    ready = true;
    log(`ready: ${manifestFile}; stop with SIGTERM or Ctrl-C`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  // Stay in the foreground: the signal handlers end the process.
  setInterval(() => {}, 1 << 30);
}

// ---------------------------------------------------------------------------------------------
// traffic

async function cmdTraffic(args) {
  const o = parseOptions("traffic", args, {
    manifest: "string", chain: "string", donations: "int", noise: "int", "per-block": "int", seed: "int", campaigns: "string",
    amounts: "string", "tx-types": "string",
  }, ["manifest", "chain"]);
  const amount = amountsOf("traffic", o.amounts);
  const txTypes = txTypesOf("traffic", o.txTypes);
  const manifest = loadManifest(o.manifest);
  const chain = chainOf(manifest, o.chain);
  const campaigns = campaignsOn(manifest, chain, o.campaigns);
  const donations = o.donations ?? 100;
  const noise = o.noise ?? 0;
  const perBlock = o.perBlock ?? 10;
  const seed = o.seed ?? randomBytes(4).readUInt32LE();
  if (donations < 0 || noise < 0) throw new UsageError("traffic: --donations and --noise must be 0 or more");
  if (perBlock < 1 || perBlock > 300) throw new UsageError("traffic: --per-block must be 1..300");
  const result = await sendTraffic(manifest, chain, campaigns, { donations, noise, perBlock, random: new Random(seed), amount, txTypes });
  emit({ chain: chain.name, seed, ...result });
}

// The transaction types `traffic --tx-types` cycles through, as the fields eth_sendTransaction
// takes for each (the node picks EIP-1559, type 0x2, when none is given).
const TX_TYPES = {
  legacy: { type: "0x0", gasPrice: "0x2540be400" },
  "access-list": { type: "0x1", gasPrice: "0x2540be400", accessList: [] },
  eip1559: {},
};

function txTypesOf(command, text) {
  const names = (text ?? "eip1559").split(",").filter(Boolean);
  for (const n of names) {
    if (!(n in TX_TYPES)) throw new UsageError(`${command}: unknown --tx-types '${n}'; expected legacy, access-list or eip1559`);
  }
  if (!names.length) throw new UsageError(`${command}: --tx-types is empty`);
  return names.map((n) => TX_TYPES[n]);
}

/**
 * Plans and sends `donations` donations and `noise` transfers that are not donations, `perBlock`
 * transactions per block. Senders are funded (gas and minted tokens) in blocks before them.
 */
async function sendTraffic(manifest, chain, campaigns, { donations, noise, perBlock, random, amount: randomAmount, txTypes = [TX_TYPES.eip1559], quietProgress = false }) {
  const url = chain.rpc;
  const token = chain.token.address;
  const fake = chain.fake_token.address;
  const decimals = chain.token.decimals;
  const minter = chain.deployer ?? (await accountsOf(url))[0];
  const donorCount = Math.max(1, Math.min(200, Math.ceil(Math.max(donations, noise) / 3)));
  const donors = Array.from({ length: donorCount }, () => random.address());
  const campaignAddress = (c) => c.addresses[chain.name];

  const actions = []; // { from, to, token, amount, kind, campaign? }
  for (let i = 0; i < donations; i++) {
    const campaign = random.pick(campaigns);
    actions.push({ kind: "donation", from: random.pick(donors), to: campaignAddress(campaign), token, amount: randomAmount(random, decimals), campaign: campaign.id });
  }
  const noiseKinds = ["to-other", "from-campaign", "own-address", "mint", "fake"];
  const counts = Object.fromEntries(noiseKinds.map((k) => [k, 0]));
  for (let i = 0; i < noise; i++) {
    const kind = noiseKinds[i % noiseKinds.length];
    counts[kind]++;
    const campaign = random.pick(campaigns);
    const amount = randomAmount(random, decimals);
    switch (kind) {
      case "to-other": // the configured token to an address that is no campaign's
        actions.push({ kind, from: random.pick(donors), to: random.address(), token, amount });
        break;
      case "from-campaign": // a campaign spends: from its address to another address
        actions.push({ kind, from: campaignAddress(campaign), to: random.address(), token, amount });
        break;
      case "own-address": { // from the campaign's own address on another chain (or the same one) to its address here
        const others = Object.entries(campaign.addresses).filter(([name]) => name !== chain.name).map(([, a]) => a);
        actions.push({ kind, from: others.length ? random.pick(others) : campaignAddress(campaign), to: campaignAddress(campaign), token, amount });
        break;
      }
      case "mint": // newly minted tokens: from the zero address
        actions.push({ kind, from: minter, to: campaignAddress(campaign), token, amount, mint: true });
        break;
      case "fake": // a token that is not configured, to a campaign address
        actions.push({ kind, from: random.pick(donors), to: campaignAddress(campaign), token: fake, amount });
        break;
    }
  }
  random.shuffle(actions);

  // Fund every sender with exactly what it will send, plus gas.
  const needs = new Map(); // `${token}|${from}` -> amount
  for (const a of actions) {
    if (a.mint) continue;
    const key = `${lower(a.token)}|${lower(a.from)}`;
    needs.set(key, (needs.get(key) ?? 0n) + a.amount);
  }
  const senders = [...new Set(actions.filter((a) => !a.mint).map((a) => lower(a.from)))];
  await unlock(url, senders);
  const fundingTxs = [...needs].map(([key, amount]) => {
    const [tokenAddress, holder] = key.split("|");
    return tx(minter, tokenAddress, encodeMint(holder, amount));
  });
  const funding = await mineBlocks(url, chunk(fundingTxs, 200));

  const blocks = chunk(actions, perBlock);
  const started = performance.now();
  const progressEvery = Math.max(1, Math.floor(blocks.length / 10));
  let sentCount = 0;
  const sent = await mineBlocks(url, blocks.map((block) => block.map((a) => ({
    ...tx(a.mint ? minter : a.from, a.token, a.mint ? encodeMint(a.to, a.amount) : encodeTransfer(a.to, a.amount)),
    ...txTypes[sentCount++ % txTypes.length],
  }))), {
    onBlock: (i) => {
      if (!quietProgress && blocks.length >= 100 && (i + 1) % progressEvery === 0) log(`${chain.name}: ${i + 1}/${blocks.length} blocks sent`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const hashes = sent.hashes.flat();
  const out = [];
  actions.forEach((a, i) => {
    if (a.kind === "donation") out.push({ tx_hash: hashes[i], campaign: a.campaign, amount: a.amount.toString() });
  });
  if (!quietProgress) {
    log(`${chain.name}: ${actions.length} transfers in ${blocks.length} blocks in ${seconds.toFixed(2)} s ` +
      `(${Math.round(actions.length / seconds)} transfers/s), after ${fundingTxs.length} funding mints`);
  }
  return {
    from_block: funding.from_block,
    to_block: sent.to_block,
    donations: out,
    noise,
    noise_kinds: counts,
    transfers_per_second: Math.round(actions.length / seconds),
  };
}

// ---------------------------------------------------------------------------------------------
// mine, snapshot, revert, head, block

async function mineEmpty(url, count) {
  // evm_mine one block at a time, a batch of them per request (hardhat_mine with many blocks
  // leaves zero parent hashes in the middle blocks).
  const calls = Array.from({ length: count }, () => ["evm_mine", []]);
  await rpcBatch(url, calls, { chunk: 200 });
}

async function cmdMine(args) {
  const o = parseOptions("mine", args, { manifest: "string", chain: "string", blocks: "int" }, ["manifest", "chain", "blocks"]);
  const chain = chainOf(loadManifest(o.manifest), o.chain);
  if (o.blocks < 0) throw new UsageError("mine: --blocks must be 0 or more");
  await mineEmpty(chain.rpc, o.blocks);
  emit({ head: (await headOf(chain.rpc)).head });
}

async function cmdSnapshot(args) {
  const o = parseOptions("snapshot", args, { manifest: "string", chain: "string" }, ["manifest", "chain"]);
  const chain = chainOf(loadManifest(o.manifest), o.chain);
  const id = await rpc(chain.rpc, "evm_snapshot");
  const { head, hash } = await headOf(chain.rpc);
  emit({ id, head, hash });
}

async function cmdRevert(args) {
  const o = parseOptions("revert", args, { manifest: "string", chain: "string", id: "string" }, ["manifest", "chain", "id"]);
  const chain = chainOf(loadManifest(o.manifest), o.chain);
  const ok = await rpc(chain.rpc, "evm_revert", [o.id]);
  if (!ok) throw new DevnetError(`evm_revert(${o.id}) on ${chain.name} failed: no such snapshot (each snapshot can be reverted to once)`);
  emit(await headOf(chain.rpc));
}

async function cmdHead(args) {
  const o = parseOptions("head", args, { manifest: "string", chain: "string" }, ["manifest", "chain"]);
  const chain = chainOf(loadManifest(o.manifest), o.chain);
  emit(await headOf(chain.rpc));
}

async function cmdBlock(args) {
  const o = parseOptions("block", args, { manifest: "string", chain: "string", number: "int" }, ["manifest", "chain", "number"]);
  const chain = chainOf(loadManifest(o.manifest), o.chain);
  const block = await rpc(chain.rpc, "eth_getBlockByNumber", [toQuantity(o.number), false]);
  if (!block) throw new DevnetError(`${chain.name} has no block ${o.number}`);
  emit({ number: Number(BigInt(block.number)), hash: block.hash, parent_hash: block.parentHash, transactions: block.transactions.length });
}

// ---------------------------------------------------------------------------------------------
// truth

/** Sets each donation's block_timestamp from its block's own header (not the log's blockTimestamp). */
async function addBlockTimestamps(chain, donations) {
  const numbers = [...new Set(donations.map((d) => d.block_number))];
  const blocks = await rpcBatch(chain.rpc, numbers.map((n) => ["eth_getBlockByNumber", [toQuantity(n), false]]));
  const byNumber = new Map();
  numbers.forEach((n, i) => byNumber.set(n, blocks[i]));
  for (const d of donations) {
    const block = byNumber.get(d.block_number);
    if (!block || lower(block.hash) !== d.block_hash) {
      throw new DevnetError(`${chain.name}: block ${d.block_number} changed while the truth was read; read it again`);
    }
    d.block_timestamp = Number(BigInt(block.timestamp));
  }
}

async function truthOf(manifest, chains) {
  const donations = [];
  const totals = {};
  for (const campaign of manifest.campaigns) {
    totals[campaign.id] = {};
    for (const chain of chains) {
      if (campaign.addresses[chain.name]) totals[campaign.id][chain.name] = { amount: 0n, count: 0 };
    }
  }
  for (const chain of chains) {
    const byAddress = new Map();
    for (const campaign of manifest.campaigns) {
      const address = campaign.addresses[chain.name];
      if (address) byAddress.set(lower(address), campaign);
    }
    if (byAddress.size === 0) continue;
    const logs = await rpc(chain.rpc, "eth_getLogs", [{
      fromBlock: "0x0",
      toBlock: "latest",
      address: lower(chain.token.address),
      topics: [TRANSFER_TOPIC, null, [...byAddress.keys()].map(addressTopic)],
    }], 300_000);
    for (const entry of logs) {
      if (entry.removed) continue;
      const from = topicAddress(entry.topics[1]);
      const to = topicAddress(entry.topics[2]);
      const campaign = byAddress.get(to);
      if (!campaign) continue;
      const own = Object.values(campaign.addresses).map(lower);
      if (from === ZERO_ADDRESS || own.includes(from)) continue;
      const amount = BigInt(entry.data === "0x" ? 0 : entry.data);
      donations.push({
        chain: chain.name,
        chain_id: chain.chain_id,
        campaign: campaign.id,
        token: lower(entry.address),
        tx_hash: lower(entry.transactionHash),
        log_index: Number(BigInt(entry.logIndex)),
        block_number: Number(BigInt(entry.blockNumber)),
        block_hash: lower(entry.blockHash),
        from,
        to,
        amount,
      });
      const total = totals[campaign.id][chain.name];
      total.amount += amount;
      total.count += 1;
    }
    await addBlockTimestamps(chain, donations.filter((d) => d.chain === chain.name));
  }
  const order = new Map(manifest.chains.map((c, i) => [c.name, i]));
  donations.sort((a, b) => order.get(a.chain) - order.get(b.chain) || a.block_number - b.block_number || a.log_index - b.log_index);
  for (const d of donations) d.amount = d.amount.toString();
  for (const byChain of Object.values(totals)) {
    for (const total of Object.values(byChain)) total.amount = total.amount.toString();
  }
  return { donations, totals };
}

async function cmdTruth(args) {
  const o = parseOptions("truth", args, { manifest: "string", chain: "string" }, ["manifest"]);
  const manifest = loadManifest(o.manifest);
  const chains = o.chain ? [chainOf(manifest, o.chain)] : manifest.chains;
  emit(await truthOf(manifest, chains));
}

// ---------------------------------------------------------------------------------------------
// stream

async function cmdStream(args) {
  const o = parseOptions("stream", args, {
    manifest: "string", "interval-ms": "int", "reorg-every": "int", "reorg-depth": "int", "orphan-ms": "int",
    seed: "int", rounds: "int", amounts: "string",
  }, ["manifest"]);
  const randomAmount = amountsOf("stream", o.amounts);
  const manifest = loadManifest(o.manifest);
  const interval = o.intervalMs ?? 1000;
  const reorgEvery = o.reorgEvery ?? 10;
  const maxDepth = Math.max(1, o.reorgDepth ?? 3);
  // How long the branch to be orphaned stays the chain's head: long enough for an indexer polling
  // the node to see (and index) it, so that the reorg removes something it holds.
  const orphanMs = Math.max(0, o.orphanMs ?? 0);
  const seed = o.seed ?? randomBytes(4).readUInt32LE();
  const random = new Random(seed);
  const rounds = o.rounds ?? Infinity;
  let stop = false;
  process.on("SIGTERM", () => { stop = true; });
  process.on("SIGINT", () => { stop = true; });

  // A pool of donors per chain, funded once, before any snapshot.
  const pools = new Map();
  for (const chain of manifest.chains) {
    const donors = Array.from({ length: 20 }, () => random.address());
    await unlock(chain.rpc, donors);
    await mineBlocks(chain.rpc, [donors.map((d) => tx(chain.deployer, chain.token.address, encodeMint(d, POOL_BALANCE)))]);
    pools.set(chain.name, donors);
  }
  log(`stream: seed ${seed}, a round every ${interval} ms, a reorg every ${reorgEvery || "never"} rounds; stop with SIGTERM`);

  const donate = async (chain, count) => {
    const campaigns = campaignsOn(manifest, chain);
    const picks = Array.from({ length: count }, () => {
      const campaign = random.pick(campaigns);
      return { campaign, amount: randomAmount(random, chain.token.decimals), from: random.pick(pools.get(chain.name)) };
    });
    const result = await mineBlocks(chain.rpc, [picks.map((p) => tx(p.from, chain.token.address, encodeTransfer(p.campaign.addresses[chain.name], p.amount)))]);
    const { head, hash } = await headOf(chain.rpc);
    return { picks, head, hash, from: result.from_block };
  };
  const describe = (picks) => picks.map((p) => `${p.campaign.id} ${p.amount}`).join(", ");

  let totalDonations = 0;
  let totalReorgs = 0;
  for (let round = 1; round <= rounds && !stop; round++) {
    for (const chain of manifest.chains) {
      if (stop) break;
      const r = await donate(chain, random.int(1, 3));
      totalDonations += r.picks.length;
      log(`${chain.name}: block ${r.head} ${r.hash.slice(0, 10)}: ${r.picks.length} donations: ${describe(r.picks)}`);
    }
    if (reorgEvery > 0 && round % reorgEvery === 0 && !stop) {
      const chain = random.pick(manifest.chains);
      const depth = random.int(1, maxDepth);
      const snapshot = await rpc(chain.rpc, "evm_snapshot");
      const base = await headOf(chain.rpc);
      const a = await donate(chain, random.int(1, 3));
      if (depth > 1) await mineEmpty(chain.rpc, depth - 1);
      const oldTip = await headOf(chain.rpc);
      if (orphanMs > 0 && !stop) await sleep(orphanMs);
      if (!(await rpc(chain.rpc, "evm_revert", [snapshot]))) throw new DevnetError(`evm_revert failed on ${chain.name}`);
      const b = await donate(chain, random.int(1, 3));
      await mineEmpty(chain.rpc, depth);
      const newTip = await headOf(chain.rpc);
      totalReorgs++;
      log(`${chain.name}: REORG at block ${base.head + 1}: blocks ${base.head + 1}..${oldTip.head} (tip ${oldTip.hash.slice(0, 10)}) ` +
        `replaced by ${base.head + 1}..${newTip.head} (tip ${newTip.hash.slice(0, 10)}); ` +
        `orphaned ${a.picks.length} donations [${describe(a.picks)}], new branch has ${b.picks.length} [${describe(b.picks)}]`);
      totalDonations += b.picks.length;
    }
    if (!stop) await sleep(interval);
  }
  log(`stream: stopped after ${totalDonations} donations and ${totalReorgs} reorgs`);
  emit({ donations: totalDonations, reorgs: totalReorgs, seed });
}

// ---------------------------------------------------------------------------------------------
// bench-populate, bench-fetch

async function cmdBenchPopulate(args) {
  const o = parseOptions("bench-populate", args, {
    manifest: "string", chain: "string", blocks: "int", "per-block": "int", campaign: "string", seed: "int",
  }, ["manifest", "chain", "campaign"]);
  const manifest = loadManifest(o.manifest);
  const chain = chainOf(manifest, o.chain);
  const [campaign] = campaignsOn(manifest, chain, o.campaign);
  const blocks = o.blocks ?? 10_000;
  const perBlock = o.perBlock ?? 10;
  if (blocks < 1 || perBlock < 1 || perBlock > 1000) throw new UsageError("bench-populate: --blocks >= 1 and --per-block 1..1000");
  const random = new Random(o.seed ?? 1);
  const url = chain.rpc;
  const to = campaign.addresses[chain.name];

  const senders = Array.from({ length: 4 }, () => random.address());
  await unlock(url, senders);
  const funded = await mineBlocks(url, [senders.map((s) => tx(chain.deployer, chain.token.address, encodeMint(s, POOL_BALANCE * 10n)))]);

  // Automine on: each eth_sendTransaction is mined at once into its own block, so one batch of
  // requests mines many blocks of one batchTransfer each.
  const automine = await rpc(url, "hardhat_getAutomine");
  if (!automine) await rpc(url, "evm_setAutomine", [true]);
  const gas = 60_000n + 30_000n * BigInt(perBlock);
  const started = performance.now();
  const first = (await headOf(url)).head + 1;
  const hashes = [];
  const batch = 250;
  for (let done = 0; done < blocks; done += batch) {
    const calls = [];
    for (let b = done; b < Math.min(blocks, done + batch); b++) {
      const amounts = Array.from({ length: perBlock }, () => random.bigint(1n, 10n ** BigInt(chain.token.decimals + 4)));
      calls.push(["eth_sendTransaction", [tx(senders[b % senders.length], chain.token.address, encodeBatchTransfer(Array(perBlock).fill(to), amounts), gas)]]);
    }
    hashes.push(...(await rpcBatch(url, calls, { chunk: batch })));
    if ((done / batch) % 8 === 7) log(`${chain.name}: ${Math.min(blocks, done + batch)}/${blocks} blocks`);
  }
  const last = (await headOf(url)).head;
  const seconds = (performance.now() - started) / 1000;
  if (!automine) await rpc(url, "evm_setAutomine", [false]);
  // Spot-check: the last transaction succeeded and every block holds one transaction.
  await checkReceipts(url, [hashes[0], hashes[hashes.length - 1]]);
  if (last - first + 1 !== blocks) throw new DevnetError(`expected ${blocks} new blocks, the chain grew by ${last - first + 1}`);
  log(`${chain.name}: ${blocks * perBlock} Transfer logs in ${blocks} blocks in ${seconds.toFixed(1)} s ` +
    `(${Math.round((blocks * perBlock) / seconds)} logs/s), after funding in block ${funded.to_block}`);
  emit({ from_block: first, to_block: last, logs: blocks * perBlock, campaign: campaign.id, to, seconds: Number(seconds.toFixed(3)) });
}

async function cmdBenchFetch(args) {
  const o = parseOptions("bench-fetch", args, {
    manifest: "string", chain: "string", from: "int", to: "int", range: "int", campaign: "string",
  }, ["manifest", "chain", "from", "to"]);
  const manifest = loadManifest(o.manifest);
  const chain = chainOf(manifest, o.chain);
  const range = o.range ?? 1000;
  if (range < 1 || o.to < o.from) throw new UsageError("bench-fetch: --range >= 1 and --from <= --to");
  const campaigns = campaignsOn(manifest, chain, o.campaign);
  const topic2 = campaigns.length === 1 ? addressTopic(campaigns[0].addresses[chain.name]) : campaigns.map((c) => addressTopic(c.addresses[chain.name]));
  let logs = 0;
  let requests = 0;
  const started = performance.now();
  for (let start = o.from; start <= o.to; start += range) {
    const end = Math.min(o.to, start + range - 1);
    const result = await rpc(chain.rpc, "eth_getLogs", [{
      fromBlock: toQuantity(start), toBlock: toQuantity(end), address: lower(chain.token.address), topics: [TRANSFER_TOPIC, null, topic2],
    }], 120_000);
    logs += result.length;
    requests++;
  }
  const seconds = (performance.now() - started) / 1000;
  emit({ logs, seconds: Number(seconds.toFixed(4)), requests, logs_per_second: Math.round(logs / seconds) });
}

// ---------------------------------------------------------------------------------------------

const COMMANDS = {
  up: cmdUp,
  traffic: cmdTraffic,
  mine: cmdMine,
  snapshot: cmdSnapshot,
  revert: cmdRevert,
  head: cmdHead,
  block: cmdBlock,
  truth: cmdTruth,
  stream: cmdStream,
  "bench-populate": cmdBenchPopulate,
  "bench-fetch": cmdBenchFetch,
};

const USAGE = `usage: scripts/devnet/devnet COMMAND [OPTIONS]   (see docs/devnet.md)
  up --dir DIR [--ports P1,P2,P3|auto] [--chains bsc,aurora,celo] [--api-port N|auto] [--start-timeout-ms MS]
  traffic --manifest M --chain NAME [--donations N] [--noise N] [--per-block B] [--seed S] [--campaigns id,id] [--amounts edge|realistic] [--tx-types legacy,access-list,eip1559]
  mine --manifest M --chain NAME --blocks K
  snapshot --manifest M --chain NAME
  revert --manifest M --chain NAME --id ID
  head --manifest M --chain NAME
  block --manifest M --chain NAME --number N
  truth --manifest M [--chain NAME]
  stream --manifest M [--interval-ms MS] [--reorg-every N] [--reorg-depth D] [--orphan-ms MS] [--rounds R] [--amounts edge|realistic]
  bench-populate --manifest M --chain NAME --campaign ID [--blocks 10000] [--per-block 10]
  bench-fetch --manifest M --chain NAME --from A --to B [--range 1000] [--campaign ID]
Options valid everywhere: --quiet (no diagnostics on stderr).`;

async function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command '${command}'\n${USAGE}`);
  const args = rest.filter((a) => a !== "--quiet");
  if (args.length !== rest.length) setQuiet(true);
  await run(args);
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof DevnetError) {
    process.stderr.write(`devnet: error: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`devnet: unexpected error: ${error?.stack ?? error}\n`);
  process.exit(1);
});
