#include "tests/support/fault_proxy.hpp"

#include "tests/support/chain_lies.hpp"
#include "tests/support/node_quirks.hpp"

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <exception>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <openssl/ssl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/hostile_answers.hpp"

namespace givewatch::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr auto kClientIdle = 60s;       // wait for the next request on a client connection
constexpr auto kHandshake = 10s;        // TLS handshake with a client
constexpr auto kTlsShutdown = 2s;       // TLS close_notify exchange at the end of a connection
constexpr auto kClientWrite = 60s;      // write one answer to a client
constexpr auto kUpstreamConnect = 10s;  // resolve and connect to the node
constexpr auto kUpstreamWrite = 30s;    // write one request to the node
constexpr auto kUpstreamRead = 120s;    // read one answer of up to kResponseBodyLimit bytes
constexpr std::uint64_t kRequestBodyLimit = 64ull << 20;
constexpr std::uint64_t kResponseBodyLimit = 256ull << 20;
constexpr std::string_view kHeadId = "givewatch-fault-proxy-head";

constexpr auto as_result = net::as_tuple(net::use_awaitable);

/// A 200 body that is not JSON: the page a CDN in front of a provider serves.
constexpr std::string_view kGarbageBody =
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
    "<body><h1>Checking your browser before accessing the site.</h1></body></html>";

// ---- JSON-RPC helpers -------------------------------------------------------------------------

std::optional<std::uint64_t> parse_quantity(std::string_view s) {
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  std::uint64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data() + 2, end, v, 16);
  if (ec != std::errc{} || p != end) return std::nullopt;
  return v;
}

std::string hex(std::uint64_t n) {
  std::array<char, 16> buf{};
  auto [p, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n, 16);
  (void)ec;
  return "0x" + std::string(buf.data(), p);
}

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// A block reference in an eth_getLogs filter: a number, or the node's head ("latest" and the
/// other head-like tags).
struct BlockRef {
  bool head = false;
  std::uint64_t number = 0;
};

/// fromBlock/toBlock as the spec reads them: absent means "latest", "earliest" is block 0, and
/// "pending", "safe" and "finalized" are taken as the head.
std::optional<BlockRef> parse_block(const json::value* v) {
  if (v == nullptr) return BlockRef{.head = true};
  if (!v->is_string()) return std::nullopt;
  std::string_view s = v->get_string();
  if (s == "latest" || s == "pending" || s == "safe" || s == "finalized") return BlockRef{.head = true};
  if (s == "earliest") return BlockRef{.number = 0};
  if (auto n = parse_quantity(s)) return BlockRef{.number = *n};
  return std::nullopt;
}

/// The block span of an eth_getLogs filter; by_hash means a single block named by blockHash.
struct LogsQuery {
  bool by_hash = false;
  BlockRef from;
  BlockRef to;
};

bool is_method(const json::object& call, std::string_view method) {
  const json::value* m = call.if_contains("method");
  return m != nullptr && m->is_string() && m->get_string() == method;
}

std::optional<LogsQuery> logs_query(const json::object& call) {
  const json::value* params = call.if_contains("params");
  if (params == nullptr || !params->is_array() || params->get_array().empty()) return std::nullopt;
  const json::value& filter = params->get_array()[0];
  if (!filter.is_object()) return std::nullopt;
  const json::object& f = filter.get_object();
  if (f.contains("blockHash")) return LogsQuery{.by_hash = true};
  auto from = parse_block(f.if_contains("fromBlock"));
  auto to = parse_block(f.if_contains("toBlock"));
  if (!from || !to) return std::nullopt;
  return LogsQuery{.from = *from, .to = *to};
}

json::value id_of(const json::object& call) {
  const json::value* id = call.if_contains("id");
  return id != nullptr ? *id : json::value(nullptr);
}

json::object error_answer(const json::object& call, std::int64_t code, std::string_view message) {
  json::object error;
  error["code"] = code;
  error["message"] = message;
  json::object answer;
  answer["jsonrpc"] = "2.0";
  answer["id"] = id_of(call);
  answer["error"] = std::move(error);
  return answer;
}

json::object result_answer(const json::object& call, json::value result) {
  json::object answer;
  answer["jsonrpc"] = "2.0";
  answer["id"] = id_of(call);
  answer["result"] = std::move(result);
  return answer;
}

/// The error a provider of `style` answers an eth_getLogs call over `range` blocks from `from` with.
json::object range_error(const json::object& call, RangeErrorStyle style, std::uint64_t limit,
                         std::uint64_t range, std::uint64_t from) {
  const std::string n = std::to_string(limit);
  const std::string r = std::to_string(range);
  switch (style) {
    case RangeErrorStyle::alchemy:
      return error_answer(
          call, -32602,
          "Log response size exceeded. You can make eth_getLogs requests with up to a " + n +
              " block range and no limit on the response size, or you can request any block range "
              "with a cap of 10K logs in the response.");
    case RangeErrorStyle::alchemy_suggested: {
      const std::uint64_t span = limit == 0 ? 0 : limit - 1;
      const std::uint64_t last = from > UINT64_MAX - span ? UINT64_MAX : from + span;
      return error_answer(call, -32600,
                          "You can make eth_getLogs requests with up to a " + n +
                              " block range. Based on your parameters, this block range should work: [" +
                              hex(from) + ", " + hex(last) + "]");
    }
    case RangeErrorStyle::quicknode:
      return error_answer(call, -32614, "eth_getLogs is limited to a " + with_thousands(limit) + " range");
    case RangeErrorStyle::too_wide:
      return error_answer(call, -32000, "block range is too wide (maximum " + n + ")");
    case RangeErrorStyle::aurora:
      return error_answer(
          call, -32000,
          "Your request exceeded the maximum block range. You can make eth_getLogs requests with up "
          "to a " +
              n + " block range.");
    case RangeErrorStyle::range_exceeds_limit:
      return error_answer(call, -32602, "range " + r + " exceeds limit of " + n);
    case RangeErrorStyle::exceed_maximum:
      return error_answer(call, -32000, "exceed maximum block range: " + n);
    case RangeErrorStyle::larger_than_max:
      return error_answer(
          call, -32000,
          "block range is larger than max block range, block range = " + r + ", max block range = " + n);
  }
  return error_answer(call, -32602, "range " + r + " exceeds limit of " + n);
}

/// Whether judging `call` under `faults` needs the node's head block number.
bool needs_head(const json::object& call, const Faults& faults) {
  if (faults.head_lag && (is_method(call, "eth_blockNumber") || is_method(call, "eth_getBlockByNumber") ||
                          is_method(call, "eth_getLogs"))) {
    return true;
  }
  if (!faults.max_logs_range || faults.get_logs_method_not_found || !is_method(call, "eth_getLogs"))
    return false;
  auto q = logs_query(call);
  return q && !q->by_hash && (q->from.head || q->to.head);
}

bool any_needs_head(const json::array& calls, const Faults& faults) {
  for (const json::value& c : calls) {
    if (c.is_object() && needs_head(c.get_object(), faults)) return true;
  }
  return false;
}

/// The number of logs in an eth_getLogs answer, if it is a result array.
std::optional<std::size_t> logs_in(const json::value& answer) {
  if (!answer.is_object()) return std::nullopt;
  const json::value* result = answer.get_object().if_contains("result");
  if (result == nullptr || !result->is_array()) return std::nullopt;
  return result->get_array().size();
}

// ---- HTTP helpers -----------------------------------------------------------------------------

Response json_response(const Request& req, const json::value& body) {
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(body);
  return res;
}

Response text_response(const Request& req, http::status status, std::string_view content_type,
                       std::string_view body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, content_type);
  res.body() = std::string(body);
  return res;
}

std::string nginx_page(http::status status) {
  const std::string title =
      std::to_string(static_cast<unsigned>(status)) + " " + std::string(http::obsolete_reason(status));
  return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
         "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}

bool hop_by_hop(http::field f) {
  return f == http::field::connection || f == http::field::keep_alive ||
         f == http::field::transfer_encoding || f == http::field::content_length || f == http::field::te ||
         f == http::field::upgrade || f == http::field::proxy_connection || f == http::field::host;
}

/// The client's request as the node gets it: same method, target and end-to-end headers, `body`.
Request upstream_request(const Request& req, std::string body, const std::string& host) {
  Request out{req.method(), req.target(), 11};
  for (const auto& field : req) {
    if (!hop_by_hop(field.name())) out.insert(field.name_string(), field.value());
  }
  out.set(http::field::host, host);
  out.keep_alive(true);
  out.body() = std::move(body);
  out.prepare_payload();
  return out;
}

/// The node's answer as the client gets it: same status, end-to-end headers and body.
Response client_response(Response upstream, unsigned version) {
  Response out{upstream.result(), version};
  for (const auto& field : upstream) {
    if (!hop_by_hop(field.name())) out.insert(field.name_string(), field.value());
  }
  out.body() = std::move(upstream.body());
  return out;
}

/// Which faults apply to one HTTP request.
struct Decision {
  bool delay = false;
  bool drop = false;
  bool status_429 = false;
  bool status_5xx = false;
  bool use_503 = false;
  bool garbage = false;
  bool truncate = false;
};

/// A keep-alive connection to the node, opened on first use and again after a failure.
struct Upstream {
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    buffer.clear();
  }
};

void close_client(beast::tcp_stream& client) {
  beast::error_code ignored;
  client.socket().shutdown(tcp::socket::shutdown_both, ignored);
  client.close();
}

/// Runs `argv` with its output in `log`; throws with that output when it does not exit 0.
void run_tool(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + log.string());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  ::close(fd);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ostringstream output;
    output << std::ifstream(log).rdbuf();
    std::string command;
    for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
    throw std::runtime_error(command + " failed" +
                             (WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (is openssl installed?)" : "") +
                             ": " + output.str());
  }
}

}  // namespace

struct FaultProxy::Impl {
  Impl(std::string host, std::uint16_t port, const TlsFiles* files)
      : upstream_host(std::move(host)),
        upstream_port(port),
        upstream_authority(upstream_host + ":" + std::to_string(port)) {
    if (files) {
      tls.emplace(net::ssl::context::tls_server);
      tls->use_certificate_chain_file(files->certificate_chain.string());
      tls->use_private_key_file(files->private_key.string(), net::ssl::context::pem);
    }
    tcp::endpoint endpoint{net::ip::make_address_v4("127.0.0.1"), 0};
    acceptor.open(endpoint.protocol());
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    listen_port = acceptor.local_endpoint().port();
    net::co_spawn(io, accept_loop(), [](std::exception_ptr) {});
    thread = std::thread([this] { io.run(); });
  }

  const std::string upstream_host;
  const std::uint16_t upstream_port;
  const std::string upstream_authority;
  std::uint16_t listen_port = 0;

  mutable std::mutex mutex;  // guards faults and rng
  Faults faults;
  std::mt19937 rng{faults.seed};

  std::atomic<std::uint64_t> requests{0}, forwarded{0}, logs_forwarded{0}, delayed{0}, dropped{0}, status_429{0}, status_5xx{0},
      truncated{0}, garbage{0}, range_errors{0}, results_errors{0}, beyond_head{0}, tls_handshakes{0}, tls_failures{0},
      lies{0};
  std::atomic<unsigned> head_jumps_left{0}, logs_lies_left{0};  // set from faults by set_faults
  std::atomic<std::uint64_t> hostile_errors{0}, huge_answers{0}, logs_hidden{0};
  std::atomic<unsigned> fresh_logs_left{0};  // set from faults by set_faults

  std::optional<net::ssl::context> tls;  // set when clients speak HTTPS
  mutable std::mutex seen_mutex;          // guards handshakes and last_host
  std::vector<Handshake> handshakes;
  std::string last_host;

  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  /// The faults in force and the draws for one HTTP request: seven draws each time, so that the
  /// n-th request after set_faults gets the same decision whatever the probabilities.
  std::pair<Faults, Decision> decide() {
    std::lock_guard lock(mutex);
    auto draw = [this](double p) { return static_cast<double>(rng()) / 4294967296.0 < p; };
    Decision d;
    d.delay = draw(faults.delay_probability);
    d.drop = draw(faults.drop_probability);
    d.status_429 = draw(faults.status_429_probability);
    d.status_5xx = draw(faults.status_5xx_probability);
    d.use_503 = draw(0.5);
    d.garbage = draw(faults.garbage_probability);
    d.truncate = draw(faults.truncate_probability);
    return {faults, d};
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(as_result);
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        net::steady_timer pause(io, 10ms);
        co_await pause.async_wait(as_result);
        continue;
      }
      net::co_spawn(io, session(std::move(socket)), [](std::exception_ptr) {});
    }
  }

  net::awaitable<void> session(tcp::socket socket) {
    if (!tls) {
      beast::tcp_stream client(std::move(socket));
      co_await serve(client);
      close_client(client);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> client(beast::tcp_stream(std::move(socket)), *tls);
    client.next_layer().expires_after(kHandshake);
    auto [handshake_ec] = co_await client.async_handshake(net::ssl::stream_base::server, as_result);
    {
      const char* sni = SSL_get_servername(client.native_handle(), TLSEXT_NAMETYPE_host_name);
      std::lock_guard lock(seen_mutex);
      handshakes.push_back(Handshake{sni ? sni : "", handshake_ec ? handshake_ec.message() : ""});
    }
    if (handshake_ec) {
      ++tls_failures;
      close_client(client.next_layer());
      co_return;
    }
    ++tls_handshakes;
    if (co_await serve(client)) {
      client.next_layer().expires_after(kTlsShutdown);
      co_await client.async_shutdown(as_result);
    }
    close_client(client.next_layer());
  }

  /// Serves HTTP requests on one client connection until it ends; true when it ended in an orderly
  /// way (the answer said Connection: close), false after a fault, an error or the client leaving.
  template <class Stream>
  net::awaitable<bool> serve(Stream& client) {
    beast::flat_buffer buffer;
    Upstream up;
    bool orderly = false;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kRequestBodyLimit);
      beast::get_lowest_layer(client).expires_after(kClientIdle);
      auto [read_ec, read_n] = co_await http::async_read(client, buffer, parser, as_result);
      if (read_ec) break;
      Request req = parser.release();
      ++requests;
      {
        std::lock_guard lock(seen_mutex);
        last_host = std::string(req[http::field::host]);
      }
      auto [f, d] = decide();

      if (d.delay) {
        ++delayed;
        net::steady_timer timer(io, f.delay);
        co_await timer.async_wait(as_result);
      }
      if (d.drop) {
        ++dropped;
        break;
      }

      Response res;
      bool cut = false;
      if (d.status_429) {
        ++status_429;
        res = text_response(
            req, http::status::too_many_requests, "application/json",
            R"({"jsonrpc":"2.0","id":null,"error":{"code":429,"message":"Too Many Requests"}})");
        res.set(http::field::retry_after, std::to_string(f.retry_after_seconds));
      } else if (d.status_5xx) {
        ++status_5xx;
        const auto status = d.use_503 ? http::status::service_unavailable : http::status::bad_gateway;
        res = text_response(req, status, "text/html", nginx_page(status));
      } else if (d.garbage) {
        ++garbage;
        res = text_response(req, http::status::ok, "application/json", kGarbageBody);
      } else {
        res = co_await answer(up, req, f);
        strip_log_timestamps(res, f);
        if (f.fresh_logs_lag && fresh_logs_left.load() > 0 && mentions_get_logs(req.body())) {
          // The head after the answer: every log in it is at or below it.
          if (auto head = co_await upstream_head(up, req)) {
            logs_hidden += hide_fresh_logs(res, *head, *f.fresh_logs_lag, fresh_logs_left);
          }
        }
        cut = d.truncate;
        if (hostile::wants_huge_answer(req.body(), f)) {
          ++huge_answers;
          res.version(req.version());
          res.keep_alive(req.keep_alive());
          if (!co_await hostile::write_huge_answer(client, std::move(res), f, kClientWrite)) break;
          if (req.keep_alive()) continue;
          orderly = true;
          break;
        }
      }
      res.version(req.version());
      res.keep_alive(req.keep_alive());
      res.prepare_payload();

      beast::get_lowest_layer(client).expires_after(kClientWrite);
      if (cut) {
        ++truncated;
        http::response_serializer<http::string_body> serializer(res);
        auto [header_ec, header_n] = co_await http::async_write_header(client, serializer, as_result);
        if (!header_ec) {
          const std::size_t half = res.body().size() / 2;
          co_await net::async_write(client, net::buffer(res.body().data(), half), as_result);
        }
        break;
      }
      auto [write_ec, write_n] = co_await http::async_write(client, res, as_result);
      if (write_ec) break;
      if (!res.keep_alive()) {
        orderly = true;
        break;
      }
    }
    up.close();
    co_return orderly;
  }

  /// The answer to one request that no transport fault replaced.
  net::awaitable<Response> answer(Upstream& up, const Request& req, const Faults& f) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    if (!ec && asks_finality_tag(body, f)) co_return co_await answer_pinned(up, req, std::move(body), f);
    if (!ec && body.is_object()) co_return co_await answer_single(up, req, body.get_object(), f);
    if (!ec && body.is_array() && !body.get_array().empty()) {
      co_return co_await answer_batch(up, req, body.get_array(), f);
    }
    co_return co_await forward(up, req, req.body());
  }

  /// Faults::finalized_lag: the finality tags become the number of the block that far below the
  /// head, then the request is answered as if the client had sent that.
  net::awaitable<Response> answer_pinned(Upstream& up, const Request& req, json::value body, const Faults& f) {
    const auto head = co_await upstream_head(up, req);
    if (!head) co_return co_await forward(up, req, req.body());
    pin_finality_tags(body, *head, f);
    Request pinned = req;
    pinned.body() = json::serialize(body);
    if (body.is_object()) co_return co_await answer_single(up, pinned, body.get_object(), f);
    co_return co_await answer_batch(up, pinned, body.get_array(), f);
  }

  net::awaitable<Response> answer_single(Upstream& up, const Request& req, const json::object& call,
                                         const Faults& f) {
    std::optional<std::uint64_t> head;
    if (needs_head(call, f)) head = co_await upstream_head(up, req);
    if (auto local = local_answer(call, f, head)) co_return json_response(req, *local);

    if (is_method(call, "eth_getLogs")) ++logs_forwarded;
    Response res = co_await forward(up, req, req.body());
    tell_lies(call, f, res);
    if (f.max_logs_results && res.result() == http::status::ok && is_method(call, "eth_getLogs")) {
      boost::system::error_code ec;
      json::value answer = json::parse(res.body(), ec);
      if (!ec) {
        auto n = logs_in(answer);
        if (n && *n > *f.max_logs_results) {
          ++results_errors;
          co_return json_response(req, results_error(call, *f.max_logs_results));
        }
      }
    }
    co_return res;
  }

  net::awaitable<Response> answer_batch(Upstream& up, const Request& req, const json::array& calls,
                                        const Faults& f) {
    std::optional<std::uint64_t> head;
    if (any_needs_head(calls, f)) head = co_await upstream_head(up, req);

    std::vector<std::optional<json::object>> local(calls.size());
    std::vector<std::size_t> sent;  // indexes of the calls forwarded
    json::array to_send;
    bool check_results = false;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (calls[i].is_object()) local[i] = local_answer(calls[i].get_object(), f, head);
      if (local[i]) continue;
      sent.push_back(i);
      to_send.push_back(calls[i]);
      if (calls[i].is_object() && is_method(calls[i].get_object(), "eth_getLogs")) {
        ++logs_forwarded;
        check_results = check_results || f.max_logs_results.has_value();
      }
    }
    if (sent.size() == calls.size() && !check_results) co_return co_await forward(up, req, req.body());

    json::array answers;  // the node's answers, in the node's order
    if (!sent.empty()) {
      Response res = co_await forward(up, req, json::serialize(to_send));
      boost::system::error_code ec;
      json::value parsed = json::parse(res.body(), ec);
      if (res.result() != http::status::ok || ec || !parsed.is_array()) co_return res;
      answers = std::move(parsed.get_array());
    }
    std::vector<bool> used(answers.size(), false);

    json::array out;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const bool notification = calls[i].is_object() && !calls[i].get_object().contains("id");
      if (local[i]) {
        if (!notification) out.push_back(std::move(*local[i]));
        continue;
      }
      if (notification) continue;
      const json::value id = calls[i].is_object() ? id_of(calls[i].get_object()) : json::value(nullptr);
      for (std::size_t k = 0; k < answers.size(); ++k) {
        if (used[k] || !answers[k].is_object() || id_of(answers[k].get_object()) != id) continue;
        used[k] = true;
        auto n = logs_in(answers[k]);
        if (f.max_logs_results && is_method(calls[i].get_object(), "eth_getLogs") && n &&
            *n > *f.max_logs_results) {
          ++results_errors;
          out.push_back(results_error(calls[i].get_object(), *f.max_logs_results));
        } else {
          out.push_back(std::move(answers[k]));
        }
        break;
      }
    }
    for (std::size_t k = 0; k < answers.size(); ++k) {
      if (!used[k]) out.push_back(std::move(answers[k]));
    }
    co_return json_response(req, out);
  }

  /// Faults::head_jump and Faults::logs_lie, on a node's answer to a single call.
  void tell_lies(const json::object& call, const Faults& f, Response& res) {
    if (res.result() != http::status::ok) return;
    const auto take = [](std::atomic<unsigned>& left) {
      for (unsigned n = left.load(); n > 0;) {
        if (left.compare_exchange_weak(n, n - 1)) return true;
      }
      return false;
    };
    std::optional<std::string> lie;
    if (is_method(call, "eth_blockNumber") && head_jumps_left.load() > 0) {
      lie = jump_head(res.body(), f.head_jump);
      if (lie && !take(head_jumps_left)) lie.reset();
    } else if (is_method(call, "eth_getLogs") && logs_lies_left.load() > 0) {
      lie = corrupt_logs(res.body(), call, f.logs_lie);
      if (lie && !take(logs_lies_left)) lie.reset();
    }
    if (!lie) return;
    ++lies;
    res.body() = std::move(*lie);
    res.prepare_payload();
  }

  static json::object results_error(const json::object& call, std::uint64_t limit) {
    return error_answer(call, -32005, "query returned more than " + std::to_string(limit) + " results");
  }

  /// The proxy's own answer to `call`, or nothing when the call goes to the node.
  std::optional<json::object> local_answer(const json::object& call, const Faults& f,
                                           std::optional<std::uint64_t> head) {
    if (auto text = hostile::error_text(call, f)) {
      ++hostile_errors;
      return error_answer(call, -32000, *text);
    }
    if (f.chain_id_override && is_method(call, "eth_chainId")) {
      return result_answer(call, json::value(hex(*f.chain_id_override)));
    }
    if (f.head_lag && head) {
      const std::uint64_t lagged = *head > *f.head_lag ? *head - *f.head_lag : 0;
      if (is_method(call, "eth_blockNumber")) return result_answer(call, json::value(hex(lagged)));
      if (is_method(call, "eth_getBlockByNumber")) {
        const json::value* params = call.if_contains("params");
        if (params && params->is_array() && !params->get_array().empty()) {
          auto block = parse_block(&params->get_array()[0]);
          if (block && !block->head && block->number > lagged) {
            ++beyond_head;
            return result_answer(call, json::value(nullptr));
          }
        }
      }
      if (is_method(call, "eth_getLogs")) {
        auto q = logs_query(call);
        if (q && !q->by_hash && !q->to.head && q->to.number > lagged) {
          ++beyond_head;
          return result_answer(call, json::array{});
        }
      }
    }
    if (!is_method(call, "eth_getLogs")) return std::nullopt;
    if (f.refuse_logs_below) {
      auto q = logs_query(call);
      if (q && !q->by_hash && !q->from.head && q->from.number < *f.refuse_logs_below) {
        ++lies;
        return error_answer(call, -32602, "historical logs are not available: fromBlock is below block " +
                                              std::to_string(*f.refuse_logs_below));
      }
    }
    if (f.get_logs_method_not_found) {
      return error_answer(call, -32601, "the method eth_getLogs does not exist/is not available");
    }
    if (!f.max_logs_range) return std::nullopt;
    auto q = logs_query(call);
    if (!q || q->by_hash)
      return std::nullopt;  // blockHash spans one block; a bad filter is the node's to reject
    if ((q->from.head || q->to.head) && !head) return std::nullopt;
    const std::uint64_t from = q->from.head ? *head : q->from.number;
    const std::uint64_t to = q->to.head ? *head : q->to.number;
    if (to < from) return std::nullopt;
    const std::uint64_t limit = *f.max_logs_range;
    if (to - from < limit) return std::nullopt;  // range = to - from + 1 <= limit
    ++range_errors;
    const std::uint64_t range = to - from == UINT64_MAX ? UINT64_MAX : to - from + 1;
    return range_error(call, f.range_error_style, limit, range, from);
  }

  /// The node's block number, asked on the client's connection with the client's target and headers.
  net::awaitable<std::optional<std::uint64_t>> upstream_head(Upstream& up, const Request& req) {
    const std::string body =
        R"({"jsonrpc":"2.0","id":")" + std::string(kHeadId) + R"(","method":"eth_blockNumber","params":[]})";
    auto res = co_await round_trip(up, upstream_request(req, body, upstream_authority));
    if (!res || res->result() != http::status::ok) co_return std::nullopt;
    boost::system::error_code ec;
    json::value answer = json::parse(res->body(), ec);
    if (ec || !answer.is_object()) co_return std::nullopt;
    const json::value* result = answer.get_object().if_contains("result");
    if (result == nullptr || !result->is_string()) co_return std::nullopt;
    co_return parse_quantity(result->get_string());
  }

  /// Sends `body` to the node as the client's request and returns the node's answer for the client,
  /// or a 502 of the proxy's own when the node cannot be reached.
  net::awaitable<Response> forward(Upstream& up, const Request& req, std::string body) {
    ++forwarded;
    auto res = co_await round_trip(up, upstream_request(req, std::move(body), upstream_authority));
    if (!res) {
      co_return text_response(req, http::status::bad_gateway, "text/plain",
                              "givewatch fault proxy: upstream " + upstream_authority + " unreachable\n");
    }
    co_return client_response(std::move(*res), req.version());
  }

  net::awaitable<bool> connect(Upstream& up) {
    tcp::resolver resolver(io);
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(upstream_host, std::to_string(upstream_port), as_result);
    if (resolve_ec) co_return false;
    up.stream.emplace(io);
    up.stream->expires_after(kUpstreamConnect);
    auto [connect_ec, endpoint] = co_await up.stream->async_connect(endpoints, as_result);
    if (connect_ec) {
      up.close();
      co_return false;
    }
    up.buffer.clear();
    co_return true;
  }

  /// One request and its answer on the kept-alive connection; a connection the node closed while
  /// idle is replaced once.
  net::awaitable<std::optional<Response>> round_trip(Upstream& up, const Request& req) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool fresh = !up.stream;
      if (fresh) {
        const bool connected = co_await connect(up);
        if (!connected) co_return std::nullopt;
      }
      up.stream->expires_after(kUpstreamWrite);
      auto [write_ec, write_n] = co_await http::async_write(*up.stream, req, as_result);
      beast::error_code read_ec;
      if (!write_ec) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(kResponseBodyLimit);
        up.stream->expires_after(kUpstreamRead);
        auto [ec, read_n] = co_await http::async_read(*up.stream, up.buffer, parser, as_result);
        if (!ec) {
          Response res = parser.release();
          if (!res.keep_alive()) up.close();
          co_return res;
        }
        read_ec = ec;
      }
      up.close();
      const bool stale =
          write_ec || read_ec == http::error::end_of_stream || read_ec == net::error::connection_reset;
      if (fresh || !stale) co_return std::nullopt;
    }
    co_return std::nullopt;
  }
};

TestCertificates make_test_certificates(const std::filesystem::path& dir, const std::string& subject_alt_names) {
  std::filesystem::create_directories(dir);
  const auto p = [&](const char* name) { return (dir / name).string(); };
  {
    std::ofstream ext(dir / "server.ext");
    ext << "subjectAltName = " << subject_alt_names << "\n"
        << "basicConstraints = critical, CA:FALSE\n"
        << "keyUsage = critical, digitalSignature\n"
        << "extendedKeyUsage = serverAuth\n";
    if (!ext) throw std::runtime_error("cannot write " + p("server.ext"));
  }
  const auto log = dir / "openssl.log";
  run_tool({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2", "-subj", "/CN=givewatch test CA", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"},
           log);
  run_tool({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=givewatch test server"},
           log);
  run_tool({"openssl", "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
            "-CAcreateserial", "-out", p("server.pem"), "-days", "2", "-extfile", p("server.ext")},
           log);
  return TestCertificates{dir / "ca.pem", TlsFiles{dir / "server.pem", dir / "server.key"}};
}

FaultProxy::FaultProxy(std::string upstream_host, std::uint16_t upstream_port)
    : impl_(std::make_unique<Impl>(std::move(upstream_host), upstream_port, nullptr)) {}

FaultProxy::FaultProxy(std::string upstream_host, std::uint16_t upstream_port, const TlsFiles& tls)
    : impl_(std::make_unique<Impl>(std::move(upstream_host), upstream_port, &tls)) {}

FaultProxy::~FaultProxy() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t FaultProxy::port() const {
  return impl_->listen_port;
}

std::string FaultProxy::url() const {
  return (impl_->tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(impl_->listen_port);
}

bool FaultProxy::tls() const {
  return impl_->tls.has_value();
}

std::vector<FaultProxy::Handshake> FaultProxy::handshakes() const {
  std::lock_guard lock(impl_->seen_mutex);
  return impl_->handshakes;
}

std::string FaultProxy::last_host() const {
  std::lock_guard lock(impl_->seen_mutex);
  return impl_->last_host;
}

void FaultProxy::set_faults(const Faults& faults) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults = faults;
  impl_->rng.seed(faults.seed);
  impl_->head_jumps_left = faults.head_jump_answers;
  impl_->logs_lies_left = faults.logs_lie == LogsLie::none ? 0 : faults.logs_lie_answers;
  impl_->fresh_logs_left = faults.fresh_logs_lag ? faults.fresh_logs_lag_answers : 0;
}

FaultProxy::Stats FaultProxy::stats() const {
  const Impl& i = *impl_;
  return Stats{
      .requests = i.requests.load(),
      .forwarded = i.forwarded.load(),
      .logs_forwarded = i.logs_forwarded.load(),
      .delayed = i.delayed.load(),
      .dropped = i.dropped.load(),
      .status_429 = i.status_429.load(),
      .status_5xx = i.status_5xx.load(),
      .truncated = i.truncated.load(),
      .garbage = i.garbage.load(),
      .range_errors = i.range_errors.load(),
      .results_errors = i.results_errors.load(),
      .beyond_head = i.beyond_head.load(),
      .tls_handshakes = i.tls_handshakes.load(),
      .tls_failures = i.tls_failures.load(),
      .lies = i.lies.load(),
      .hostile_errors = i.hostile_errors.load(),
      .huge_answers = i.huge_answers.load(),
      .logs_hidden = i.logs_hidden.load(),
  };
}

}  // namespace givewatch::test
