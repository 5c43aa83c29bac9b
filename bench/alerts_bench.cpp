// Alert delivery speed on loopback: a webhook sink catching up on 10,000 events (events/s), then
// commit → webhook received for single-donation steps (median and p99). Prints figures; asserts nothing.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <random>
#include <thread>

#include <pthread.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "alerts/dispatcher.hpp"
#include "api/server.hpp"
#include "core/base64.hpp"
#include "storage/store.hpp"
#include "tests/support/http_receiver.hpp"

using namespace givewatch;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t kChain = 56;

core::Address address(std::uint8_t seed) {
  core::Address a;
  a.bytes.fill(seed);
  return a;
}

storage::Step step(std::uint64_t block, int donations) {
  storage::Step s;
  s.chain_id = kChain;
  for (int i = 0; i < donations; ++i) {
    storage::Donation d;
    d.chain_id = kChain;
    d.block_number = block;
    d.block_hash.bytes.fill(static_cast<std::uint8_t>(block));
    d.timestamp = 1'700'000'000 + block;
    d.tx_hash.bytes[0] = static_cast<std::uint8_t>(block >> 8);
    d.tx_hash.bytes[1] = static_cast<std::uint8_t>(block);
    d.tx_hash.bytes[2] = static_cast<std::uint8_t>(i);
    d.log_index = static_cast<std::uint32_t>(i);
    d.token = address(0x55);
    d.from = address(static_cast<std::uint8_t>(1 + block % 200));
    d.to = address(0xaa);
    d.amount = 1'000'000'000'000'000'000ull;
    d.campaign = "memorial";
    s.donations.push_back(d);
  }
  s.indexed = storage::BlockRef{block, {}};
  return s;
}

config::Config configuration(const std::string& url) {
  config::Config c;
  c.chains.push_back(config::Chain{.name = "bsc", .chain_id = kChain});
  c.tokens.push_back(config::Token{"bsc", "USDT", address(0x55), 18, true});
  c.campaigns.push_back(config::Campaign{"memorial", "Memorial", {{"bsc", address(0xaa), 0}}});
  config::Alert a;
  a.id = "bench";
  a.kind = config::AlertKind::webhook;
  a.url = url;
  std::vector<std::uint8_t> key(32, 7);
  a.secret = "whsec_" + core::base64_encode(key);
  a.key = key;
  a.from = config::AlertFrom::start;
  c.alerts.push_back(a);
  return c;
}

std::size_t delivered(const test::HttpReceiver& r) {
  return r.count();
}

/// CPU seconds each thread of this process used so far, by thread name (/proc/self/task/*/stat).
std::map<std::string, double> thread_cpu() {
  std::map<std::string, double> out;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string line;
    std::getline(in, line);
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15: utime, stime in ticks
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
    }
    out[line.substr(open + 1, close - open - 1)] += (utime + stime) / tick;
  }
  return out;
}

struct ApiRun {
  double rate = 0;                       ///< API requests per second
  std::uint64_t events = 0;              ///< events committed during the window
  std::map<std::string, double> cpu;     ///< CPU seconds per thread name during the window
};

class NoChains final : public api::ChainSource {
 public:
  std::vector<api::ChainView> chains() const override { return {}; }
};

/// GET /v1/campaigns/memorial on 4 keep-alive connections for `seconds`: requests per second.
double api_rate(std::uint16_t port, double seconds) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> sockets;
  for (int i = 0; i < 4; ++i) {
    sockets.emplace_back(io).connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  http::request<http::empty_body> req{http::verb::get, "/v1/campaigns/memorial", 11};
  req.set(http::field::host, "127.0.0.1");
  boost::beast::flat_buffer buffer;
  std::uint64_t n = 0;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    for (auto& socket : sockets) http::write(socket, req);
    for (auto& socket : sockets) {
      http::response<http::string_body> res;
      http::read(socket, buffer, res);
      ++n;
    }
  }
  return static_cast<double>(n) / seconds;
}

/// The API's rate while a writer commits `per_second` one-donation steps a second, with the alert
/// sinks of `config` delivering them (or none): the cost of alerts to the API, measured side by side.
ApiRun api_rate_while_committing(const config::Config& config, const std::filesystem::path& dir, bool sinks,
                                 int per_second) {
  std::filesystem::remove_all(dir);
  auto store = storage::Store::open(dir).value();
  config::Config used = config;
  if (!sinks) used.alerts.clear();
  alerts::Dispatcher dispatcher(used, *store);
  dispatcher.start();
  NoChains chains;
  api::Api api(used, *store, chains, &dispatcher);
  boost::asio::io_context api_io(1);
  api::ServerOptions options;
  options.port = 0;
  api::Server server(api_io.get_executor(), api, options);
  (void)server.listen().value();
  boost::asio::co_spawn(api_io, server.run(), boost::asio::detached);
  std::thread api_thread([&] {
    ::pthread_setname_np(::pthread_self(), "api");
    api_io.run();
  });
  std::atomic<bool> done{false};
  std::thread writer([&] {
    ::pthread_setname_np(::pthread_self(), "writer");
    const auto period = std::chrono::microseconds(1'000'000 / per_second);
    auto next = Clock::now();
    for (std::uint64_t block = 1; !done; ++block) {
      (void)store->apply(step(block, 1)).value();
      next += period;
      std::this_thread::sleep_until(next);
    }
  });
  ApiRun run;
  const auto seq0 = store->last_event_seq();
  const auto cpu0 = thread_cpu();
  run.rate = api_rate(server.port(), 3.0);
  run.cpu = thread_cpu();
  run.events = store->last_event_seq() - seq0;
  for (auto& [name, seconds] : run.cpu) seconds -= cpu0.count(name) ? cpu0.at(name) : 0.0;
  done = true;
  writer.join();
  api_io.stop();
  api_thread.join();
  dispatcher.stop();
  return run;
}

double median_rate(std::vector<ApiRun>& runs) {
  std::sort(runs.begin(), runs.end(), [](const ApiRun& a, const ApiRun& b) { return a.rate < b.rate; });
  return runs[runs.size() / 2].rate;
}

void api_beside_alerts(const config::Config& config, const std::filesystem::path& dir, int per_second) {
  std::vector<ApiRun> with, without;
  for (int run = 0; run < 5; ++run) {
    without.push_back(api_rate_while_committing(config, dir, false, per_second));
    with.push_back(api_rate_while_committing(config, dir, true, per_second));
  }
  const double a = median_rate(with), b = median_rate(without);
  const double noise = (without.back().rate - without.front().rate) / b;
  std::printf("API GET /v1/campaigns/memorial, %d donations/s committed: %.0f req/s with a webhook sink delivering "
              "each, %.0f without: ratio %.3f (runs without a sink spread over %.1f %% of their median; medians of 5)\n",
              per_second, a, b, a / b, noise * 100);
  for (const auto* runs : {&without, &with}) {
    const auto& r = (*runs)[runs->size() / 2];
    std::printf("  %s sink, %llu events in 3 s, CPU seconds per thread:", runs == &with ? "with" : "no",
                static_cast<unsigned long long>(r.events));
    for (const auto& [name, used] : r.cpu) {
      if (used > 0) std::printf(" %s %.2f", name.c_str(), used);
    }
    std::printf("\n");
  }
  const auto& w = with[with.size() / 2];
  if (w.cpu.count("gw-alerts") && w.events > 0) {
    const auto per_event = [&](const char* name) {
      return (w.cpu.count(name) ? w.cpu.at(name) : 0.0) * 1e6 / static_cast<double>(w.events);
    };
    std::printf("  CPU per delivered event: %.0f us in givewatch's alert thread, %.0f us in the receiver\n",
                per_event("gw-alerts"), per_event("receiver"));
  }
}

}  // namespace

int main() {
  const auto dir = std::filesystem::temp_directory_path() / ("givewatch-alerts-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = storage::Store::open(dir).value();
    test::HttpReceiver receiver;
    const auto config = configuration(receiver.url());

    // 10,000 events in the log before the sink starts: 5,000 steps of 2 donations.
    std::uint64_t block = 1;
    for (; block <= 5'000; ++block) (void)store->apply(step(block, 2)).value();
    const std::uint64_t backlog = store->last_event_seq();
    alerts::Dispatcher dispatcher(config, *store);
    const auto start = Clock::now();
    dispatcher.start();
    receiver.wait_for([&](const auto& r) { return r.size() >= backlog; }, std::chrono::seconds(600));
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("catch-up: %llu events in %.2f s = %.0f events/s (target >= 2000)\n",
                static_cast<unsigned long long>(backlog), seconds, static_cast<double>(backlog) / seconds);

    // Live: one donation per step, commit → received.
    std::vector<double> ms;
    std::mt19937 random(1);
    for (int i = 0; i < 300; ++i, ++block) {
      const auto before = delivered(receiver);
      const auto t0 = Clock::now();
      (void)store->apply(step(block, 1)).value();
      receiver.wait_for([&](const auto& r) { return r.size() > before; }, std::chrono::seconds(60));
      ms.push_back(std::chrono::duration<double, std::milli>(receiver.requests().back().at - t0).count());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 5)(random)));
    }
    std::sort(ms.begin(), ms.end());
    std::printf("commit -> webhook received: median %.2f ms, p99 %.2f ms, max %.2f ms over %zu steps (target median <= 5 ms)\n",
                ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back(), ms.size());
    dispatcher.stop();

    // The API beside alert delivery, at a busy rate and an extreme one: five runs of each,
    // interleaved, medians; the spread of the runs without a sink is the noise.
    for (const int per_second : {100, 1000}) api_beside_alerts(config, dir / "api", per_second);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
