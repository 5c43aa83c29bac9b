#!/usr/bin/env bash
# The givewatch demo: a local three-chain devnet, the daemon indexing it and the dashboard.
set -euo pipefail
echo "The demo (local devnet + daemon + dashboard) is not part of this release yet: the chain"
echo "watchers and the API it shows are still being built. Today you can run the tests"
echo "(scripts/test.sh) and validate a configuration:"
echo "  build/daemon/givewatch check --config config/mainnet.toml"
exit 1
