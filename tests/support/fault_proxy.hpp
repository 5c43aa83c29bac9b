#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace givewatch::test {

/// The text and code a too-wide eth_getLogs block range is answered with, one value per text that a
/// real provider sends. Every answer is HTTP 200 with a JSON-RPC error object carrying the request's
/// id. N is Faults::max_logs_range, R the requested range, F and T the requested fromBlock and
/// fromBlock + N - 1 in hex. A client must read the limit N out of each text and shrink its range.
enum class RangeErrorStyle {
  /// Alchemy, paid tiers: -32602 "Log response size exceeded. You can make eth_getLogs requests with
  /// up to a N block range and no limit on the response size, or you can request any block range
  /// with a cap of 10K logs in the response."
  alchemy,
  /// Alchemy, free tier: -32600 "You can make eth_getLogs requests with up to a N block range. Based
  /// on your parameters, this block range should work: [0xF, 0xT]"
  alchemy_suggested,
  /// QuickNode: -32614 "eth_getLogs is limited to a N range", N with thousands separators ("10,000").
  quicknode,
  /// Ankr, Blast, Frontier-based chains (Moonbeam): -32000 "block range is too wide (maximum N)"
  too_wide,
  /// Aurora-like relayers: -32000 "Your request exceeded the maximum block range. You can make
  /// eth_getLogs requests with up to a N block range."
  aurora,
  /// Infura's live range check: -32602 "range R exceeds limit of N" (two numbers; the limit is last).
  range_exceeds_limit,
  /// BSC, Base and other geth forks: -32000 "exceed maximum block range: N"
  exceed_maximum,
  /// Morph, Scroll-style geth forks: -32000 "block range is larger than max block range, block range
  /// = R, max block range = N" (two numbers; the limit is last).
  larger_than_max,
};

/// How a FaultProxy corrupts an eth_getLogs answer that holds logs (see Faults::logs_lie).
enum class LogsLie {
  none,
  outside_range,           ///< a copy of the first log, one block past the range asked
  wrong_block_hash,        ///< the first log names another block hash than its block's
  same_position_other_tx,  ///< a copy of the first log at the same (block, log index), another tx hash
};

/// The faults a FaultProxy injects. Each probability is drawn independently per HTTP request (a batch
/// is one) from a generator seeded with `seed`; at most one of drop, 429, 5xx, garbage and truncate
/// applies (in that order of precedence), and a delay may come on top of any of them. The JSON-RPC
/// faults below apply to each call, in a batch too.
struct Faults {
  std::uint32_t seed = 1;              ///< seed of the deterministic generator; set_faults restarts it
  double delay_probability = 0;        ///< chance that the answer is held back by `delay`
  std::chrono::milliseconds delay{0};  ///< how long a delayed answer is held back
  double drop_probability = 0;         ///< chance that the connection is closed without an answer
  double status_429_probability = 0;   ///< chance of HTTP 429 with a Retry-After header
  int retry_after_seconds = 1;         ///< value of that Retry-After header
  double status_5xx_probability = 0;   ///< chance of HTTP 502 or 503 (an HTML body, as proxies send)
  double truncate_probability = 0;     ///< chance that the headers and half the body are sent, then close
  double garbage_probability = 0;      ///< chance of HTTP 200 with a body that is not JSON
  /// eth_getLogs spanning more blocks than this (toBlock - fromBlock + 1) is answered with a range
  /// error in `range_error_style`. A blockHash filter spans one block and "earliest" is block 0. An
  /// absent bound and the tags "latest", "pending", "safe" and "finalized" are the node's head, asked
  /// with one eth_blockNumber per HTTP request that needs it; if that fails, the call is forwarded.
  std::optional<std::uint64_t> max_logs_range;
  RangeErrorStyle range_error_style = RangeErrorStyle::alchemy;  ///< the text of that range error
  /// eth_getLogs whose upstream result holds more logs than this is answered with -32005 "query
  /// returned more than N results" instead.
  std::optional<std::uint64_t> max_logs_results;
  /// eth_chainId is answered with this instead of being forwarded.
  std::optional<std::uint64_t> chain_id_override;
  /// eth_getLogs is answered with -32601 "the method eth_getLogs does not exist/is not available".
  bool get_logs_method_not_found = false;
  /// The node seems this many blocks behind its real head H: eth_blockNumber answers H − lag, and a
  /// call for a numbered block above that is answered as a lagging node would — eth_getBlockByNumber
  /// with null, eth_getLogs whose toBlock is above it with no logs — and counted in
  /// Stats::beyond_head. Only block numbers are judged: tags ("latest", "finalized"), blockHash
  /// filters and eth_getBlockByHash reach the node unchanged, as does every call when the head
  /// lookup fails.
  std::optional<std::uint64_t> head_lag;
  /// Lies about the chain in single (not batched) calls, each for a number of answers counted from
  /// set_faults: the next `head_jump_answers` eth_blockNumber answers are the node's head plus
  /// `head_jump`; the next `logs_lie_answers` eth_getLogs answers that hold a log are corrupted as
  /// `logs_lie` says. Each lie told is counted in Stats::lies.
  std::uint64_t head_jump = 0;
  unsigned head_jump_answers = 0;
  LogsLie logs_lie = LogsLie::none;
  unsigned logs_lie_answers = 0;
  /// eth_getLogs from a block below this one is refused with -32602 "historical logs are not
  /// available" (as a node without old state answers), counted in Stats::lies.
  std::optional<std::uint64_t> refuse_logs_below;
  /// The node finalizes this many blocks below the head, as BSC's fast finality does (about two),
  /// where Hardhat and Ganache answer every tag with the head: eth_getBlockByNumber for the tags
  /// "finalized" and "safe" reaches the node with the number of the block finalized_lag below the
  /// head the client sees (the node's head, less head_lag), so the answer is that block's real
  /// header. Block 0 when the chain is shorter. Every other call, and every call when the head
  /// lookup fails, reaches the node unchanged.
  std::optional<std::uint64_t> finalized_lag;
  /// eth_getLogs results lose each log's blockTimestamp, as from the many nodes that predate the
  /// field (Ganache, older geth forks): a client must read the time from the block headers.
  bool logs_without_timestamps = false;
  /// The node's log index lags its head by this many blocks, as some providers' does: eth_getLogs
  /// results, single or in a batch, leave out the logs of the blocks less than fresh_logs_lag below
  /// the node's head H (numbers above H − fresh_logs_lag), while every other call (the head, headers)
  /// is answered as the node does. Only the next `fresh_logs_lag_answers` results that lose a log
  /// do, counted from set_faults; each log left out is counted in Stats::logs_hidden. H is asked
  /// after the node answered; when that fails, the answer is left whole.
  std::optional<std::uint64_t> fresh_logs_lag;
  unsigned fresh_logs_lag_answers = 0;

  // A hostile endpoint (tests/support/hostile_answers.*): texts and bodies of any size.
  /// Calls of this method ("*": of every method), single or in a batch, are answered with JSON-RPC
  /// error -32000 and `hostile_error_text` as its message; counted in Stats::hostile_errors.
  std::string hostile_error_method;
  std::string hostile_error_text;  ///< e.g. hostile_text(200'000): a long number, newlines, ANSI escapes
  /// A request holding a call of this method ("*": any request) gets the answer it would get
  /// otherwise, followed by `huge_answer_bytes` spaces (JSON whitespace: the answer still parses),
  /// streamed in chunked transfer encoding or under a Content-Length header, so that the proxy
  /// never holds the body. Counted in Stats::huge_answers; faults that replace the answer win.
  std::string huge_answer_method;
  std::uint64_t huge_answer_bytes = 0;
  bool huge_answer_chunked = true;
};

/// The PEM files an HTTPS listener serves with.
struct TlsFiles {
  std::filesystem::path certificate_chain;  ///< the server certificate, then any intermediates
  std::filesystem::path private_key;
};

/// A throwaway certificate authority and one server certificate it signed.
struct TestCertificates {
  std::filesystem::path ca_certificate;  ///< PEM, for a client's trust store
  TlsFiles server;
};

/// Makes a CA and a server certificate for `subject_alt_names` (OpenSSL syntax, e.g.
/// "IP:127.0.0.1,DNS:localhost") in `dir` with the openssl command-line tool; valid from now for
/// two days. Throws std::runtime_error with openssl's output when a step fails.
TestCertificates make_test_certificates(const std::filesystem::path& dir, const std::string& subject_alt_names);

/// An HTTP JSON-RPC proxy on 127.0.0.1 that forwards to an EVM node and injects the faults real
/// providers produce, for tests of clients that must survive them. It speaks plain HTTP to the node
/// and, to clients, plain HTTP or HTTPS (see the TlsFiles constructor).
class FaultProxy {
 public:
  /// Listens on 127.0.0.1 on an ephemeral port and forwards to http://upstream_host:upstream_port.
  /// Runs its own io_context thread.
  FaultProxy(std::string upstream_host, std::uint16_t upstream_port);
  /// The same, but clients speak HTTPS: each connection starts with a TLS handshake (10 s deadline)
  /// with the certificate chain and key in `tls`. A connection whose handshake fails is closed.
  /// Every fault applies as over HTTP; a drop or a truncation closes the TCP connection without a
  /// TLS close_notify, as a crashing server or load balancer does. Throws boost::system::system_error
  /// when the files cannot be loaded.
  FaultProxy(std::string upstream_host, std::uint16_t upstream_port, const TlsFiles& tls);
  /// Stops the io_context, joins its thread and closes every connection.
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  /// The port the proxy listens on.
  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT", or "https://127.0.0.1:PORT" with TLS: the URL to give the client.
  std::string url() const;
  /// Whether clients speak HTTPS to the proxy.
  bool tls() const;
  /// Replaces the faults and restarts the generator from their seed; thread-safe, takes effect for
  /// the next HTTP request.
  void set_faults(const Faults& faults);

  /// What the proxy has done so far. HTTP requests are counted once each; range_errors and
  /// results_errors count eth_getLogs calls, so a batch can add several.
  struct Stats {
    std::uint64_t requests;        ///< HTTP requests read from clients
    std::uint64_t forwarded;       ///< HTTP requests sent upstream for clients (head lookups not counted)
    std::uint64_t logs_forwarded;  ///< eth_getLogs calls (single or in a batch) passed to the node
    std::uint64_t delayed;         ///< answers held back by Faults::delay
    std::uint64_t dropped;         ///< connections closed without an answer
    std::uint64_t status_429;      ///< HTTP 429 answers
    std::uint64_t status_5xx;      ///< injected HTTP 502/503 answers
    std::uint64_t truncated;       ///< answers cut after half the body
    std::uint64_t garbage;         ///< HTTP 200 answers whose body is not JSON
    std::uint64_t range_errors;    ///< eth_getLogs calls answered with a range error
    std::uint64_t results_errors;  ///< eth_getLogs calls answered with -32005 for too many results
    std::uint64_t beyond_head;     ///< calls for blocks above the head that Faults::head_lag makes up
    std::uint64_t tls_handshakes;  ///< TLS handshakes completed with clients
    std::uint64_t tls_failures;    ///< TLS handshakes that failed (the client refused the certificate, ...)
    std::uint64_t lies;            ///< answers made by Faults::head_jump, logs_lie or refuse_logs_below
    std::uint64_t hostile_errors;  ///< calls answered with Faults::hostile_error_text
    std::uint64_t huge_answers;    ///< answers padded by Faults::huge_answer_bytes (finished or not)
    std::uint64_t logs_hidden;     ///< logs left out of eth_getLogs results by Faults::fresh_logs_lag
  };
  /// A snapshot of the counters; thread-safe.
  Stats stats() const;

  /// One TLS handshake with a client, as the proxy saw it.
  struct Handshake {
    std::string server_name;  ///< the SNI host name the client sent; empty when it sent none
    std::string error;        ///< empty when the handshake completed, else OpenSSL's reason
  };
  /// Every TLS handshake so far, in order; thread-safe.
  std::vector<Handshake> handshakes() const;
  /// The Host header of the last HTTP request read from a client; empty before any. Thread-safe.
  std::string last_host() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace givewatch::test
