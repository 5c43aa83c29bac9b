// Runs one Hardhat 3 node (`hardhat node ARGS...`) for `devnet up`, under the project's Node 22.
// The node exits when its standard input closes, so it never outlives the devnet process that
// started it, even when that process is killed with SIGKILL.
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();

const mainUrl = new URL("../../node_modules/hardhat/dist/src/internal/cli/main.js", import.meta.url);
const { main } = await import(mainUrl.href);
await main(["--config", path.join(here, "hardhat.config.js"), "node", ...process.argv.slice(2)], {
  registerTsx: false,
  warnAboutUnusedPlugins: false,
});
