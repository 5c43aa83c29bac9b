// The watcher in-process against a real node, to see what it tells an operator during a backfill.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <regex>
#include <sstream>

#include "chains/watcher.hpp"
#include "config/config.hpp"
#include "tests/integration/harness.hpp"

namespace givewatch::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(Progress, BackfillReportsBlockPercentRatesAndEta) {
  ScratchDir dir("progress");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.run("bench-populate", {"--chain", "bsc", "--campaign", "memorial", "--blocks", "1500", "--per-block", "2"});
  const auto head = devnet.mine("bsc", 3);

  ConfigOptions options;
  options.max_block_range = 5;  // many small ranges: a backfill long enough to report on
  auto loaded = config::load_file(write_config(devnet, dir.path(), options));
  ASSERT_TRUE(loaded.config);
  const auto& cfg = *loaded.config;
  auto store = storage::Store::open(cfg.storage.path);
  ASSERT_TRUE(store) << store.error().message;

  std::ostringstream lines;
  auto logger = std::make_shared<spdlog::logger>("progress", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);

  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  chains::EndpointPool pool(io.get_executor(), "bsc", bsc.chain_id, cfg.chains[0].rpc, tls);
  chains::StoreSink sink(**store);
  chains::WatcherOptions watcher_options;
  watcher_options.progress_interval = 50ms;
  chains::Watcher watcher(chains::make_plan(cfg, cfg.chains[0]), pool, sink, watcher_options);
  asio::cancellation_signal stop;
  bool done = false;
  asio::co_spawn(io, watcher.run(), asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr) { done = true; }));
  asio::steady_timer poll(io);
  std::function<void(boost::system::error_code)> check = [&](boost::system::error_code) {
    if (watcher.status().indexed >= head) {
      stop.emit(asio::cancellation_type::terminal);
      return;
    }
    poll.expires_after(20ms);
    poll.async_wait(check);
  };
  poll.expires_after(20ms);
  poll.async_wait(check);
  io.run_for(120s);
  spdlog::set_default_logger(previous);
  ASSERT_TRUE(done);

  const std::string text = lines.str();
  const std::regex line(R"(bsc: backfill at block (\d+) of (\d+) \((\d+\.\d)%\), (\d+) blocks/s, (\d+) logs/s, ETA \d+s)");
  std::size_t reports = 0;
  double last_percent = -1;
  for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) {
    ++reports;
    const double percent = std::stod((*it)[3].str());
    EXPECT_GT(percent, last_percent);
    EXPECT_LE(percent, 100.0);
    EXPECT_GT(std::stoull((*it)[4].str()), 0u);
    last_percent = percent;
  }
  EXPECT_GE(reports, 2u) << text;
  EXPECT_NE(text.find("bsc: backfill complete: blocks 0.."), std::string::npos) << text;
  EXPECT_EQ((*store)->totals("memorial")->tokens.at(0).confirmed_count + (*store)->totals("memorial")->tokens.at(0).pending_count,
            3000u);
}

}  // namespace
}  // namespace givewatch::test
