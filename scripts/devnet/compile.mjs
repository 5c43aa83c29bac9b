// Compiles the devnet's DevToken with solc-js (see contracts/DevToken.sol). `compileDevToken()` runs
// the compiler in a worker thread, so that it does not hold up the devnet's event loop, and caches
// the result under scripts/devnet/build/ (or DIR/build when that is not writable).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort } from "node:worker_threads";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const packageVersion = (name) => JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", name, "package.json"), "utf8")).version;

function solcInput() {
  return {
    language: "Solidity",
    sources: { "DevToken.sol": { content: fs.readFileSync(path.join(here, "contracts/DevToken.sol"), "utf8") } },
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "DevToken.sol": { DevToken: ["abi", "evm.bytecode.object"] } },
    },
  };
}

async function compileHere(input) {
  const { default: solc } = await import("solc");
  const findImports = (name) => {
    const file = path.join(repoRoot, "node_modules", name);
    return fs.existsSync(file) ? { contents: fs.readFileSync(file, "utf8") } : { error: `not found: ${name}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) return { errors: errors.map((e) => e.formattedMessage) };
  const contract = output.contracts["DevToken.sol"].DevToken;
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

/** Returns { abi, bytecode, solc, openzeppelin, cached, ms }; throws with the compiler's errors. */
export async function compileDevToken(dir) {
  const input = solcInput();
  const versions = { solc: packageVersion("solc"), openzeppelin: packageVersion("@openzeppelin/contracts") };
  const key = createHash("sha256").update(JSON.stringify({ input, versions })).digest("hex").slice(0, 16);
  const folders = [path.join(here, "build"), path.join(dir, "build")];
  for (const folder of folders) {
    const file = path.join(folder, `DevToken-${key}.json`);
    if (fs.existsSync(file)) return { ...JSON.parse(fs.readFileSync(file, "utf8")), cached: true, ms: 0 };
  }
  const started = performance.now();
  const result = await new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: null });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => code && reject(new Error(`the solc worker exited with code ${code}`)));
    worker.postMessage(input);
  });
  if (result.errors) throw new Error(`DevToken.sol does not compile:\n${result.errors.join("\n")}`);
  const artifact = { ...result, ...versions };
  for (const folder of folders) {
    try {
      fs.mkdirSync(folder, { recursive: true });
      const file = path.join(folder, `DevToken-${key}.json`);
      fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(artifact));
      fs.renameSync(`${file}.${process.pid}.tmp`, file);
      break;
    } catch {
      // not writable: try the next folder
    }
  }
  return { ...artifact, cached: false, ms: performance.now() - started };
}

if (!isMainThread) {
  parentPort.once("message", async (input) => {
    parentPort.postMessage(await compileHere(input));
    process.exit(0);
  });
}
