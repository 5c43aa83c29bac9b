#pragma once

#include "config/config.hpp"
#include "storage/store.hpp"

namespace givewatch::daemon {

/// Holds SIGINT and SIGTERM back until run_daemon handles them, so that a stop asked while the store
/// opens ends as cleanly (status 0) as one asked later. Called first in `givewatch run`, before any
/// thread starts: the threads started before run_daemon (RocksDB's, the step writer) keep them held.
void hold_stop_signals();

/// Runs one watcher per configured chain until SIGINT or SIGTERM, then lets each finish or abandon
/// its current step (steps are atomic) and returns 0. A chain whose endpoints fail keeps retrying
/// and never stops the others; a watcher that dies on an unexpected error stops them all (status 1).
int run_daemon(const config::Config& config, storage::Store& store);

}  // namespace givewatch::daemon
