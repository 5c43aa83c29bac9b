// Checks (default) or completes (--fix) the root package-lock.json: every optional, platform-specific
// native package that a locked package asks for must have an entry, or `npm ci` calls the lockfile out
// of sync. npm leaves such entries out when the registry it used did not serve them (Hardhat's EDR for
// macOS, Windows and arm64 Linux, for example). --fix adds them with the exact version asked for and
// the os/cpu/libc that their names state (napi-rs naming: NAME-OS-CPU[-ABI]); npm then installs them
// only on a matching platform and skips them everywhere else without fetching them.
//   scripts/devnet/node scripts/devnet/lockfile.mjs [--fix] [path/to/package-lock.json]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const fix = args.includes("--fix");
const file = args.find((a) => !a.startsWith("--")) ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../package-lock.json");
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;

const PLATFORM = /-(darwin|linux|win32|freebsd|android)-(x64|arm64|ia32|arm)(?:-(gnu|musl|msvc|gnueabihf|eabi))?$/;

/** The lockfile path a dependency `name` of the package at `at` resolves to, or null. */
function resolve(at, name) {
  let base = at;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const cut = base.lastIndexOf("node_modules/");
    base = cut <= 0 ? "" : base.slice(0, cut - 1);
  }
}

const missing = [];
for (const [at, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolve(at, name)) continue;
    missing.push({ parent: at, name, spec, entry });
  }
}

if (!missing.length) {
  console.log(`${file}: every optional dependency has an entry`);
  process.exit(0);
}
if (!fix) {
  for (const m of missing) console.log(`missing: ${m.name}@${m.spec} (optional dependency of ${m.parent || "the root"})`);
  console.log(`run with --fix to add the ${missing.length} entries`);
  process.exit(1);
}

let unfixable = 0;
for (const m of missing) {
  const platform = PLATFORM.exec(m.name);
  if (!platform || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(m.spec) || packages[`node_modules/${m.name}`]) {
    console.error(`cannot add ${m.name}@${m.spec}: not an exact version of a NAME-OS-CPU[-ABI] package, or the slot is taken`);
    unfixable++;
    continue;
  }
  const [, os, cpu, abi] = platform;
  const added = { version: m.spec, cpu: [cpu], license: m.entry.license, optional: true, os: [os] };
  if (abi === "gnu" || abi === "gnueabihf") added.libc = ["glibc"];
  if (abi === "musl") added.libc = ["musl"];
  if (m.entry.engines) added.engines = m.entry.engines;
  packages[`node_modules/${m.name}`] = added;
  console.log(`added ${m.name}@${m.spec} (${os} ${cpu}${added.libc ? ` ${added.libc[0]}` : ""})`);
}
const sorted = Object.keys(packages).sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b, "en")));
lock.packages = Object.fromEntries(sorted.map((k) => [k, packages[k]]));
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.exit(unfixable ? 1 : 0);
