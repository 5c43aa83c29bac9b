#pragma once

#include "config/config.hpp"
#include "storage/store.hpp"

namespace givewatch::daemon {

/// Runs one watcher per configured chain until SIGINT or SIGTERM, then lets each finish or abandon
/// its current step (steps are atomic) and returns. One chain failing never stops the others.
int run_daemon(const config::Config& config, storage::Store& store);

}  // namespace givewatch::daemon
