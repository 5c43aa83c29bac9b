#include "tests/support/hostile_answers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace givewatch::test {

std::string hostile_text(std::size_t bytes) {
  std::string text = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b[1;31mERROR\x1b[0m\r\nmax block range ";
  const std::string tail = "\n\x1b[0m\tsee https://example.invalid/status\r\n";
  const std::size_t digits = bytes > text.size() + tail.size() ? bytes - text.size() - tail.size() : 1;
  for (std::size_t i = 0; i < digits; ++i) text.push_back(static_cast<char>('1' + i % 9));
  return text + tail;
}

namespace hostile {
namespace {

namespace json = boost::json;

/// Whether `call` is of `method`; "*" is every method.
bool is_method(const json::object* call, std::string_view method) {
  if (method == "*") return true;
  const auto* m = call ? call->if_contains("method") : nullptr;
  return m && m->is_string() && m->get_string() == method;
}

}  // namespace

std::optional<std::string_view> error_text(const json::object& call, const Faults& f) {
  if (f.hostile_error_method.empty() || !is_method(&call, f.hostile_error_method)) return std::nullopt;
  return f.hostile_error_text;
}

bool wants_huge_answer(std::string_view body, const Faults& f) {
  if (f.huge_answer_method.empty() || f.huge_answer_bytes == 0) return false;
  if (f.huge_answer_method == "*") return true;
  boost::system::error_code ec;
  const json::value request = json::parse(body, ec);
  if (ec) return false;
  if (const auto* calls = request.if_array()) {
    for (const auto& call : *calls) {
      if (is_method(call.if_object(), f.huge_answer_method)) return true;
    }
    return false;
  }
  return is_method(request.if_object(), f.huge_answer_method);
}

std::string_view padding_block() {
  static const std::string block(1 << 20, ' ');
  return block;
}

}  // namespace hostile
}  // namespace givewatch::test
