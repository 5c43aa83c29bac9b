// Hardhat 3 configuration for the nodes that `devnet up` starts (see docs/devnet.md). The chain id
// and port come from the command line; the node writes nothing into the repository: its artifacts
// and cache go where GIVEWATCH_DEVNET_STATE points (the devnet's DIR), or to the system temp dir.
import os from "node:os";
import path from "node:path";

const state = process.env.GIVEWATCH_DEVNET_STATE ?? path.join(os.tmpdir(), "givewatch-devnet-hardhat");

export default {
  paths: {
    artifacts: path.join(state, "artifacts"),
    cache: path.join(state, "cache"),
  },
};
