// The givewatch binary as a user runs it: exit statuses, output, signals, a held data directory.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "api/handlers.hpp"
#include "config/config.hpp"
#include "storage/store.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

struct Process {
  pid_t pid = -1;
  int out = -1;  // stdout and stderr together
};

Process spawn(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe");
  Process p;
  p.pid = fork();
  if (p.pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(GIVEWATCH_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(GIVEWATCH_BINARY, argv.data());
    _exit(127);
  }
  close(fds[1]);
  p.out = fds[0];
  return p;
}

/// Reads the child's output until it contains `needle` or `seconds` pass.
std::string read_until(int fd, const std::string& needle, int seconds) {
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (text.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

struct Outcome {
  int status = -1;
  std::string output;
};

Outcome finish(Process p, int seconds = 20) {
  Outcome o;
  o.output = read_until(p.out, "\x01never", seconds);
  close(p.out);
  int status = 0;
  waitpid(p.pid, &status, 0);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

Outcome run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  return finish(spawn(args, env));
}

using givewatch::test::free_port;
using givewatch::test::TempDir;

fs::path write_config(const fs::path& dir) {
  const fs::path file = dir / "givewatch.toml";
  std::ofstream(file) << "[server]\nlisten = \"127.0.0.1:" << free_port() << "\"\n[storage]\npath = \""
                      << (dir / "data").string() << R"("

[[chains]]
name = "bsc"
chain_id = 56
rpc = ["http://127.0.0.1:1"]

[[tokens]]
chain = "bsc"
symbol = "BUSD"
address = "0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56"
decimals = 18
usd = true

[[campaigns]]
id = "memorial"
name = "Political Prisoners. Memorial"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
  start_block = 1
)";
  return file;
}

TEST(Binary, VersionAndHelp) {
  auto v = run({"--version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.output, "givewatch 0.1.0\n");
  auto h = run({"--help"});
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.output.find("givewatch check  --config FILE"), std::string::npos) << h.output;
  auto bad = run({"frobnicate"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.output.rfind("givewatch: unknown command 'frobnicate'; expected run, check, verify, alerts, keygen, audit or export\n", 0),
            0u);
}

TEST(Binary, CheckPassesTheMainnetConfigOnceItsVariablesAreSet) {
  const std::string mainnet = std::string(GIVEWATCH_SOURCE_DIR) + "/config/mainnet.toml";
  auto missing = run({"check", "--config", mainnet});
  EXPECT_EQ(missing.status, 2);
  // The error points at the line and column of the reference, wherever the file puts it.
  std::ifstream in(mainnet);
  std::string line;
  int number = 0;
  std::string where;
  while (std::getline(in, line)) {
    ++number;
    if (auto col = line.find("\"${BSC_RPC_URL}\""); col != std::string::npos && line.rfind("rpc", 0) == 0) {
      where = "mainnet.toml:" + std::to_string(number) + ":" + std::to_string(col + 1) + ": ";
      break;
    }
  }
  ASSERT_FALSE(where.empty()) << "mainnet.toml no longer has rpc = [\"${BSC_RPC_URL}\"]";
  EXPECT_NE(missing.output.find(where + "environment variable 'BSC_RPC_URL' is not set"), std::string::npos)
      << missing.output;
  EXPECT_NE(missing.output.find("8 errors in " + mainnet), std::string::npos) << missing.output;

  auto ok = run(
      {"check", "--config", mainnet},
      {"BSC_RPC_URL=https://user:secret@bsc.example/v1/KEY", "AURORA_RPC_URL=https://mainnet.aurora.dev",
       "CELO_RPC_URL=https://forno.celo.org", "RBB_BSC_ADDRESS=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
       "RBB_CELO_ADDRESS=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
       "MEMORIAL_BSC_ADDRESS=0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
       "MEMORIAL_AURORA_ADDRESS=0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
       "MHG_CELO_ADDRESS=0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"});
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("chains (3)"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("tokens (8)"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("is valid"), std::string::npos);
  EXPECT_EQ(ok.output.find("secret"), std::string::npos) << "credentials must not be printed";
  EXPECT_EQ(ok.output.find("KEY"), std::string::npos) << "API keys in URL paths must not be printed";
}

TEST(Binary, RunStopsCleanlyOnSigtermAndRefusesAHeldDataDirectory) {
  TempDir dir;
  const auto config = write_config(dir.path()).string();
  auto daemon = spawn({"run", "--config", config});
  const auto started = read_until(daemon.out, "bsc: resuming at block", 20);
  ASSERT_NE(started.find("chain bsc (56): nothing indexed yet"), std::string::npos) << started;
  ASSERT_NE(started.find("bsc: resuming at block 1"), std::string::npos) << started;

  auto second = run({"run", "--config", config});
  EXPECT_EQ(second.status, 1);
  EXPECT_NE(second.output.find("is in use by another process"), std::string::npos) << second.output;

  // verify reads a read-only view, so it works beside the running daemon.
  auto verify_beside = run({"verify", "--config", config});
  EXPECT_EQ(verify_beside.status, 0) << verify_beside.output;

  ASSERT_EQ(kill(daemon.pid, SIGTERM), 0);
  auto done = finish(daemon);
  EXPECT_EQ(done.status, 0) << done.output;
  EXPECT_NE(done.output.find("signal 15 received; finishing the current steps"), std::string::npos) << done.output;

  auto verify = run({"verify", "--config", config});
  EXPECT_EQ(verify.status, 0) << verify.output;
  EXPECT_NE(verify.output.find("is consistent (0 events)"), std::string::npos) << verify.output;
}

/// Whether `signal` is set in the mask on the /proc/PID/status line starting with `field`: SigBlk
/// (held back by the main thread) or ShdPnd (sent to the process and not yet delivered).
bool signal_in(pid_t pid, const std::string& field, int signal) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    const auto mask = std::stoull(line.substr(field.size() + 1), nullptr, 16);
    return (mask >> (signal - 1)) & 1u;
  }
  return false;
}

TEST(Binary, ASigtermWhileTheStoreOpensStillStopsCleanly) {
  // `run` holds SIGINT/SIGTERM back from its first step until its handler is in place, so a stop
  // asked while the configuration loads and the store opens is not the default "terminated".
  // The configuration comes through a FIFO: `run` waits in that window, reading it, until the test
  // has sent SIGTERM, so the signal lands there on every run, however fast the machine.
  TempDir dir;
  const auto config = write_config(dir.path());
  std::string text;
  {
    std::ifstream in(config);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const fs::path fifo = dir.path() / "givewatch-fifo.toml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto daemon = spawn({"run", "--config", fifo.string()});
  // Opening the FIFO's other end returns once `run` has opened it to read its configuration.
  const int to_daemon = open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(to_daemon, 0);
  EXPECT_TRUE(signal_in(daemon.pid, "SigBlk", SIGTERM)) << "run reads its configuration with SIGTERM not held";
  ASSERT_EQ(kill(daemon.pid, SIGTERM), 0);
  EXPECT_TRUE(signal_in(daemon.pid, "ShdPnd", SIGTERM)) << "SIGTERM was not held back while starting";
  // Had the signal ended `run`, the FIFO would have no reader: a failed write, not a SIGPIPE here.
  const auto default_sigpipe = signal(SIGPIPE, SIG_IGN);
  EXPECT_EQ(write(to_daemon, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  signal(SIGPIPE, default_sigpipe);
  close(to_daemon);

  auto done = finish(daemon);
  EXPECT_EQ(done.status, 0) << done.output;
  // It went on to open the store, then stopped at the held signal.
  EXPECT_NE(done.output.find("givewatch 0.1.0 started"), std::string::npos) << done.output;
  EXPECT_NE(done.output.find("signal 15 received; finishing the current steps"), std::string::npos) << done.output;
  EXPECT_NE(done.output.find("data directory closed; bye"), std::string::npos) << done.output;
}

TEST(Binary, RunExitsWithFailureWhenNoChainCanStart) {
  // ca_file is readable (so the configuration is valid) but holds no certificate, so the only
  // chain's TLS set-up fails: nothing is watched and a service manager must see a failure.
  TempDir dir;
  const auto config = write_config(dir.path());
  const fs::path ca = dir.path() / "not-a-certificate.pem";
  std::ofstream(ca) << "this is not PEM\n";
  std::string text;
  {
    std::ifstream in(config);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string rpc = "rpc = [\"http://127.0.0.1:1\"]\n";
  const auto at = text.find(rpc);
  ASSERT_NE(at, std::string::npos);
  text.insert(at + rpc.size(), "ca_file = \"" + ca.string() + "\"\n");
  std::ofstream(config) << text;

  auto r = run({"run", "--config", config.string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("bsc: cannot set up TLS"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no chain could be started; nothing to watch"), std::string::npos) << r.output;
}

TEST(Binary, AnInvalidConfigStopsRunWithEveryError) {
  TempDir dir;
  const fs::path file = dir.path() / "bad.toml";
  std::ofstream(file) << "[[chains]]\nname = \"bsc\"\nchain_id = 56\nrpc = []\nconfirmation = 3\n";
  auto r = run({"run", "--config", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("bad.toml:4:7:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bad.toml:5:1: unknown key 'confirmation'"), std::string::npos) << r.output;
}

/// 300 donations to memorial in three steps, the first two confirmed, each block time a second apart.
void fill_store(const fs::path& data) {
  auto store = givewatch::storage::Store::open(data);
  if (!store) throw std::runtime_error(store.error().message);
  for (std::uint64_t step = 0; step < 3; ++step) {
    givewatch::storage::Step s;
    s.chain_id = 56;
    for (std::uint64_t i = 0; i < 100; ++i) {
      givewatch::storage::Donation d;
      d.chain_id = 56;
      d.block_number = 1 + step * 100 + i;
      d.timestamp = 1'769'817'600 - 150 + d.block_number;  // around 2026-01-31T00:00:00Z
      d.block_hash.bytes.fill(static_cast<std::uint8_t>(d.block_number));
      d.tx_hash.bytes.fill(static_cast<std::uint8_t>(i));
      d.tx_hash.bytes[0] = static_cast<std::uint8_t>(step);
      d.token = *givewatch::core::parse_address("0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56");
      d.to = *givewatch::core::parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
      d.from.bytes.fill(static_cast<std::uint8_t>(1 + i % 9));
      d.amount = givewatch::core::Amount(1'000'000'000'000'000ull * (i + 1));
      d.campaign = "memorial";
      s.donations.push_back(d);
    }
    s.confirm_through = step < 2 ? (step + 1) * 100 : 200;
    s.indexed = givewatch::storage::BlockRef{(step + 1) * 100, {}};
    if (auto ok = (*store)->apply(s); !ok) throw std::runtime_error(ok.error().message);
  }
}

/// What the API answers to `target` over the data directory of `config`.
std::string api_body(const std::string& config, const std::string& target) {
  struct NoChains final : givewatch::api::ChainSource {
    std::vector<givewatch::api::ChainView> chains() const override { return {}; }
  } chains;
  auto cfg = givewatch::config::load_file(config).config;
  if (!cfg) throw std::runtime_error("bad test config");
  auto store = givewatch::storage::Store::open(cfg->storage.path, givewatch::storage::Options{.read_only = true});
  if (!store) throw std::runtime_error(store.error().message);
  givewatch::api::Api api(*cfg, **store, chains);
  const auto r = api.handle(givewatch::api::Request{"GET", target, "", ""});
  if (r.status != 200 || !r.stream) throw std::runtime_error(target + ": " + std::string(r.payload()));
  std::string out;
  while (true) {
    auto piece = r.stream();
    if (!piece) throw std::runtime_error(piece.error().message);
    if (!*piece) return out;
    out += **piece;
  }
}

TEST(Binary, ExportWritesTheBytesTheApiServes) {
  TempDir dir;
  const auto config = write_config(dir.path()).string();
  fill_store(dir.path() / "data");

  const auto csv_expected = api_body(config, "/v1/campaigns/memorial/donations.csv");
  EXPECT_EQ(std::count(csv_expected.begin(), csv_expected.end(), '\n'), 301);
  auto csv = run({"export", "--config", config, "--campaign", "memorial"});
  EXPECT_EQ(csv.status, 0) << csv.output.substr(0, 500);
  EXPECT_EQ(csv.output, csv_expected);

  // Filters and a time range, JSON Lines to a file.
  const auto jsonl_expected =
      api_body(config, "/v1/campaigns/memorial/donations.jsonl?status=confirmed&from=2026-01-30T23:59:00Z&to=1769817600");
  EXPECT_EQ(std::count(jsonl_expected.begin(), jsonl_expected.end(), '\n'), 60);  // blocks 90..149
  const fs::path file = dir.path() / "out.jsonl";
  auto jsonl = run({"export", "-c", config, "--campaign=memorial", "--format", "jsonl", "--status", "confirmed",
                    "--from", "2026-01-30T23:59:00Z", "--to", "1769817600", "--out", file.string()});
  EXPECT_EQ(jsonl.status, 0) << jsonl.output;
  EXPECT_EQ(jsonl.output, "");
  std::ifstream in(file, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), jsonl_expected);

  // Mistakes exit 2 with the API's message.
  auto bad_time = run({"export", "-c", config, "--campaign", "memorial", "--from", "2026-02-30"});
  EXPECT_EQ(bad_time.status, 2);
  EXPECT_EQ(bad_time.output,
            "from '2026-02-30' is not an ISO date (2026-01-31), a UTC time (2026-01-31T12:00:00Z) or Unix seconds up "
            "to year 9999\n");
  auto bad_campaign = run({"export", "-c", config, "--campaign", "rbb"});
  EXPECT_EQ(bad_campaign.status, 2);
  EXPECT_EQ(bad_campaign.output, "no campaign 'rbb' in " + config + "; campaigns are: memorial\n");
  auto bad_format = run({"export", "-c", config, "--campaign", "memorial", "--format", "xls"});
  EXPECT_EQ(bad_format.status, 2);

  // Beside a running daemon, which holds the data directory: the store opens read-only.
  auto daemon = spawn({"run", "--config", config});
  const auto started = read_until(daemon.out, "bsc: resuming at block", 20);
  ASSERT_NE(started.find("bsc: resuming at block"), std::string::npos) << started;
  auto beside = run({"export", "--config", config, "--campaign", "memorial"});
  EXPECT_EQ(beside.status, 0) << beside.output.substr(0, 500);
  EXPECT_EQ(beside.output, csv_expected);
  ASSERT_EQ(kill(daemon.pid, SIGTERM), 0);
  EXPECT_EQ(finish(daemon).status, 0);
}

}  // namespace

TEST(Binary, KeygenMakesAKeyThatCheckAndRunUse) {
  TempDir dir("bin-keygen");
  const fs::path key = dir.path() / "attest.key";
  auto made = run({"keygen", "--out", key.string()});
  ASSERT_EQ(made.status, 0) << made.output;
  const auto at = made.output.find("signer address: 0x");
  ASSERT_NE(at, std::string::npos) << made.output;
  const std::string address = made.output.substr(at + 16, 42);
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string digits;
  std::getline(std::ifstream(key), digits);
  EXPECT_EQ(digits.size(), 64u);
  EXPECT_EQ(made.output.find(digits), std::string::npos) << "keygen printed the key";

  auto again = run({"keygen", "--out", key.string()});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.output.find("never replaces a key"), std::string::npos) << again.output;
  EXPECT_EQ(run({"keygen"}).status, 2);

  const fs::path config = write_config(dir.path());
  std::ofstream(config, std::ios::app) << "\n[attestation]\nkey_file = \"" << key.string() << "\"\n";
  auto checked = run({"check", "--config", config.string()});
  EXPECT_EQ(checked.status, 0) << checked.output;
  EXPECT_NE(checked.output.find("signer " + address), std::string::npos) << checked.output;
  EXPECT_EQ(checked.output.find(digits), std::string::npos);

  ::chmod(key.c_str(), 0640);
  auto loose = run({"check", "--config", config.string()});
  EXPECT_EQ(loose.status, 2);
  EXPECT_NE(loose.output.find("may be read or written by others (mode 0640)"), std::string::npos) << loose.output;
}
