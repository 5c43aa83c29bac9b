// `givewatch audit`: the store re-checked against a node of the auditor's choosing (audit/).

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <list>

#include "audit/auditor.hpp"
#include "chains/plan.hpp"
#include "daemon/commands.hpp"
#include "storage/store.hpp"

namespace givewatch::daemon {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

/// The chains the command line selects, each with the endpoints to ask; nullopt after printing why not.
std::optional<std::vector<std::pair<const config::Chain*, std::vector<std::string>>>> chains_to_audit(
    const config::Config& config, const AuditArgs& args) {
  for (const auto& [chain, url] : args.rpc) {
    if (!config.find_chain(chain)) {
      std::cerr << "givewatch: --rpc names chain '" << chain << "', which " << config.source.string() << " does not configure\n";
      return std::nullopt;
    }
  }
  if (!args.chain.empty() && !config.find_chain(args.chain)) {
    std::cerr << "givewatch: no chain '" << args.chain << "' in " << config.source.string() << '\n';
    return std::nullopt;
  }
  if (!args.campaign.empty() && !config.find_campaign(args.campaign)) {
    std::cerr << "givewatch: no campaign '" << args.campaign << "' in " << config.source.string() << '\n';
    return std::nullopt;
  }
  std::vector<std::pair<const config::Chain*, std::vector<std::string>>> out;
  for (const auto& chain : config.chains) {
    if (!args.chain.empty() && chain.name != args.chain) continue;
    std::vector<std::string> urls;
    for (const auto& [name, url] : args.rpc) {
      if (name == chain.name) urls.push_back(url);
    }
    out.emplace_back(&chain, urls.empty() ? chain.rpc : urls);
  }
  return out;
}

/// "bsc: 1200/5000 donations, 800/s, about 5 s left", at most once a second, on stderr.
class Progress {
 public:
  void operator()(const std::string& chain, std::uint64_t done, std::uint64_t total) {
    const auto now = Clock::now();
    if (now - last_ < std::chrono::seconds(1) && done < total) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    std::fprintf(stderr, "%s: %llu/%llu donations checked, %.0f/s", chain.c_str(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), rate);
    if (rate > 0 && done < total) std::fprintf(stderr, ", about %.0f s left", static_cast<double>(total - done) / rate);
    std::fprintf(stderr, "\n");
  }

 private:
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = Clock::now();
};

}  // namespace

int audit_command(const Command& cmd) {
  // Log lines (an endpoint's failures, say) go to stderr: stdout holds the findings.
  spdlog::set_default_logger(spdlog::stderr_color_mt("audit"));
  spdlog::set_level(spdlog::level::warn);
  auto cfg = load_config(cmd.config);
  if (!cfg) return kExitUsage;
  auto selected = chains_to_audit(*cfg, cmd.audit);
  if (!selected) return kExitUsage;
  auto store = storage::Store::open(cfg->storage.path, storage::Options{.read_only = true});
  if (!store) {
    std::cerr << "givewatch: " << store.error().message << '\n';
    return kExitFailure;
  }
  audit::Scope scope;
  if (!cmd.audit.campaign.empty()) scope.campaign = cmd.audit.campaign;
  scope.from_block = cmd.audit.from_block;
  scope.to_block = cmd.audit.to_block;

  asio::io_context io(1);
  struct Endpoints {
    std::unique_ptr<asio::ssl::context> tls;
    std::unique_ptr<chains::EndpointPool> pool;
  };
  std::list<Endpoints> pools;
  audit::Report report;
  Progress progress;
  std::vector<std::pair<const config::Chain*, chains::EndpointPool*>> work;
  for (const auto& [chain, urls] : *selected) {
    auto& e = pools.emplace_back();
    e.tls = chains::tls_context(*chain);
    e.pool = std::make_unique<chains::EndpointPool>(io.get_executor(), chain->name, chain->chain_id, urls, *e.tls);
    work.emplace_back(chain, e.pool.get());
  }
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        for (const auto& [chain, pool] : work) {
          co_await audit::audit_chain(*cfg, *chain, **store, *pool, scope, report, std::ref(progress));
        }
      },
      asio::detached);
  io.run();

  for (const auto& f : report.findings) {
    std::cout << (cmd.audit.json ? boost::json::serialize(audit::to_json(f)) : audit::to_text(f)) << '\n';
  }
  if (cmd.audit.json) {
    boost::json::object counts;
    for (const auto& [kind, n] : report.counts()) counts[audit::to_string(kind)] = n;
    boost::json::array incomplete;
    for (const auto& why : report.incomplete) incomplete.emplace_back(why);
    std::cout << boost::json::serialize(boost::json::object{{"summary", true},
                                                            {"donations_checked", report.donations_checked},
                                                            {"logs_recounted", report.logs_recounted},
                                                            {"problems", report.findings.size()},
                                                            {"by_kind", std::move(counts)},
                                                            {"incomplete", std::move(incomplete)},
                                                            {"clean", report.clean()}})
              << '\n';
  } else {
    std::cout << audit::summary(report);
  }
  return report.clean() ? kExitOk : kExitFailure;
}

}  // namespace givewatch::daemon
