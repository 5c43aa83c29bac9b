#include "daemon/commands.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include "attest/signer.hpp"
#include "config/config.hpp"
#include "daemon/run.hpp"
#include "givewatch/version.hpp"
#include "storage/store.hpp"

namespace givewatch::daemon {

std::optional<config::Config> load_config(const std::filesystem::path& path) {
  auto loaded = config::load_file(path);
  if (loaded.config) return std::move(loaded.config);
  for (const auto& d : loaded.errors) std::cerr << d.to_string() << '\n';
  std::cerr << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors") << " in "
            << path.string() << '\n';
  return std::nullopt;
}

namespace {

int check(const Command& cmd) {
  auto cfg = load_config(cmd.config);
  if (!cfg) return kExitUsage;
  std::cout << config::summary(*cfg);
  std::cout << cmd.config.string() << " is valid\n";
  return kExitOk;
}

int verify(const Command& cmd) {
  auto cfg = load_config(cmd.config);
  if (!cfg) return kExitUsage;
  auto store = storage::Store::open(cfg->storage.path, storage::Options{.read_only = true});
  if (!store) {
    std::cerr << store.error().message << '\n';
    return kExitFailure;
  }
  if (auto ok = (*store)->verify(); !ok) {
    std::cerr << ok.error().message << '\n';
    return kExitFailure;
  }
  std::cout << "data directory " << cfg->storage.path.string() << " is consistent ("
            << (*store)->last_event_seq() << " events)\n";
  return kExitOk;
}

int keygen(const Command& cmd) {
  auto address = attest::write_new_key(cmd.out);
  if (!address) {
    std::cerr << "givewatch: " << address.error().message << '\n';
    return kExitFailure;
  }
  std::cout << "wrote a new attestation key to " << cmd.out.string() << " (mode 0600)\n"
            << "signer address: " << core::to_checksum(*address) << '\n'
            << "use it with:\n  [attestation]\n  key_file = \"" << cmd.out.string() << "\"\n";
  return kExitOk;
}

void setup_logging(const std::string& level) {
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

int run(const Command& cmd) {
  // Before any thread starts, so that those threads inherit it: a stop asked from here on ends cleanly.
  hold_stop_signals();
  setup_logging(cmd.log_level);
  auto cfg = load_config(cmd.config);
  if (!cfg) return kExitUsage;
  for (const auto& w : cfg->warnings) spdlog::warn("{}", w);

  auto opened = storage::Store::open(cfg->storage.path, storage::Options{.sync = cfg->storage.sync});
  if (!opened) {
    spdlog::error("{}", opened.error().message);
    return kExitFailure;
  }
  auto& store = **opened;
  spdlog::info("givewatch {} started: {} chains, {} tokens, {} campaigns; data in {}", kVersion,
               cfg->chains.size(), cfg->tokens.size(), cfg->campaigns.size(), cfg->storage.path.string());
  for (const auto& chain : cfg->chains) {
    auto cursor = store.chain_cursor(chain.chain_id);
    if (!cursor) {
      spdlog::error("chain {}: {}", chain.name, cursor.error().message);
      return kExitFailure;
    }
    if (*cursor) {
      spdlog::info("chain {} ({}): indexed through block {}, confirmed through {}", chain.name,
                   chain.chain_id, (*cursor)->indexed_block, (*cursor)->confirmed_block);
    } else {
      spdlog::info("chain {} ({}): nothing indexed yet", chain.name, chain.chain_id);
    }
  }

  const int status = run_daemon(*cfg, store);
  opened->reset();
  spdlog::info("data directory closed; bye");
  return status;
}

}  // namespace

int execute(const Command& command) {
  switch (command.action) {
    case Action::help:
      std::cout << usage();
      return kExitOk;
    case Action::version:
      std::cout << "givewatch " << kVersion << '\n';
      return kExitOk;
    case Action::check:
      return check(command);
    case Action::verify:
      return verify(command);
    case Action::run:
      return run(command);
    case Action::alerts:
      return alerts_command(command);
    case Action::keygen:
      return keygen(command);
    case Action::audit:
      return audit_command(command);
    case Action::export_donations:
      return export_command(command);
  }
  return kExitUsage;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parse_command_line(args);
  if (auto* error = std::get_if<UsageError>(&parsed)) {
    std::cerr << "givewatch: " << error->message << "\n\n" << usage();
    return kExitUsage;
  }
  try {
    return execute(std::get<Command>(parsed));
  } catch (const std::exception& e) {
    std::cerr << "givewatch: internal error: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace givewatch::daemon
