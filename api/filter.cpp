#include "api/filter.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace givewatch::api {
namespace {

constexpr std::uint64_t kLastSecond = 253'402'300'799;  // 9999-12-31T23:59:59Z
constexpr std::string_view kTimeForms =
    "an ISO date (2026-01-31), a UTC time (2026-01-31T12:00:00Z) or Unix seconds";

core::Error bad(std::string message) {
  return core::Error{core::Errc::invalid_argument, std::move(message)};
}

/// The digits text[at, at + n) as a number; nullopt when any is not a digit.
std::optional<unsigned> digits(std::string_view text, std::size_t at, std::size_t n) {
  unsigned v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return v;
}

/// YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ as Unix seconds; nullopt when `text` is neither or no such time.
std::optional<std::uint64_t> parse_iso(std::string_view text) {
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  if (text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
  if (!y || !m || !d || *y < 1970) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(*y)), std::chrono::month(*m),
                                         std::chrono::day(*d)};
  if (!date.ok()) return std::nullopt;
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  std::uint64_t seconds = static_cast<std::uint64_t>(days) * 86'400;
  if (text.size() == 10) return seconds;
  if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return std::nullopt;
  const auto hh = digits(text, 11, 2), mm = digits(text, 14, 2), ss = digits(text, 17, 2);
  if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 59) return std::nullopt;
  return seconds + *hh * 3600u + *mm * 60u + *ss;
}

/// The configured token `text` names (a symbol, or a contract address in any case), narrowed to the
/// chain when one was given: a symbol on several chains needs chain= too.
core::Result<const config::Token*> find_token(const config::Config& config, std::string_view text,
                                              std::optional<std::uint64_t> chain_id) {
  std::vector<const config::Token*> matches;
  auto as_address = core::parse_address(text);
  for (const auto& t : config.tokens) {
    const auto* chain = config.find_chain(t.chain);
    if (chain_id && chain && chain->chain_id != *chain_id) continue;
    if (as_address ? t.address == *as_address : t.symbol == text) matches.push_back(&t);
  }
  const std::string name = core::quoted(text, 80);
  if (matches.empty())
    return bad("token " + name + " is not configured" + (chain_id ? " on that chain" : ""));
  if (matches.size() > 1) {
    std::vector<std::string> chains;
    for (const auto* t : matches) chains.push_back(t->chain);
    return bad("token " + name + " is on chains " + comma_list(chains) + "; add chain= to choose");
  }
  return matches[0];
}

}  // namespace

std::string comma_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

core::Result<std::uint64_t> parse_time(std::string_view text) {
  const bool unix_seconds =
      !text.empty() && text.size() <= 12 &&
      std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  std::optional<std::uint64_t> t;
  if (unix_seconds) {
    t = 0;
    for (char ch : text) *t = *t * 10 + static_cast<std::uint64_t>(ch - '0');
  } else {
    t = parse_iso(text);
  }
  if (!t || *t > kLastSecond)
    return bad(core::quoted(text, 40) + " is not " + std::string(kTimeForms) + " up to year 9999");
  return *t;
}

std::string iso8601(std::uint64_t unix_seconds) {
  // The civil date of a day count (H. Hinnant's days_from_civil inverse), in 64 bits: a block time
  // comes from a chain and may be absurd, and years past 9999 print with more digits.
  const std::uint64_t z = unix_seconds / 86'400 + 719'468;
  const std::uint64_t era = z / 146'097;
  const std::uint64_t doe = z - era * 146'097;
  const std::uint64_t yoe = (doe - doe / 1'460 + doe / 36'524 - doe / 146'096) / 365;
  const std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::uint64_t mp = (5 * doy + 2) / 153;
  const std::uint64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::uint64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::uint64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const std::uint64_t s = unix_seconds % 86'400;
  char buf[128];  // room for six 20-digit numbers, which -Wformat-truncation counts on
  std::snprintf(buf, sizeof buf, "%04llu-%02llu-%02lluT%02llu:%02llu:%02lluZ", static_cast<unsigned long long>(year),
                static_cast<unsigned long long>(month), static_cast<unsigned long long>(day),
                static_cast<unsigned long long>(s / 3600), static_cast<unsigned long long>(s / 60 % 60),
                static_cast<unsigned long long>(s % 60));
  return buf;
}

core::Result<DonationFilter> parse_donation_filter(const config::Config& config, const config::Campaign& c,
                                                   const boost::urls::params_view& params,
                                                   std::span<const std::string_view> known) {
  DonationFilter f;
  f.query.campaign = c.id;
  std::string token;
  for (auto p : params) {
    const std::string key = p.key;
    const std::string value = p.has_value ? std::string(p.value) : "";
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return bad("unknown parameter " + core::quoted(key, 40) + "; expected " +
                 comma_list({known.begin(), known.end()}));
    }
    if (key == "status") {
      if (value == "confirmed") {
        f.query.status = storage::Status::confirmed;
      } else if (value == "pending") {
        f.query.status = storage::Status::pending;
      } else if (value != "all") {
        return bad("status " + core::quoted(value, 40) + " is not one of confirmed, pending, all");
      }
    } else if (key == "chain") {
      const auto* chain = config.find_chain(value);
      if (!chain) {
        std::vector<std::string> names;
        for (const auto& x : config.chains) names.push_back(x.name);
        return bad("chain " + core::quoted(value, 40) +
                   " is not configured; chains are: " + comma_list(names));
      }
      f.query.chain_id = chain->chain_id;
    } else if (key == "token") {
      token = value;
    } else if (key == "limit") {
      std::uint64_t n = 0;
      bool ok = !value.empty() && value.size() <= 4;
      for (char ch : value) ok = ok && ch >= '0' && ch <= '9';
      if (ok) n = std::stoull(value);
      if (!ok || n < 1 || n > 1000)
        return bad("limit " + core::quoted(value, 40) + " is not a whole number from 1 to 1000");
      f.query.limit = n;
    } else if (key == "cursor") {
      f.query.cursor = value;
    } else if (key == "from" || key == "to") {
      auto t = parse_time(value);
      if (!t) return bad(key + " " + t.error().message);
      (key == "from" ? f.from : f.to) = *t;
    }
  }
  if (!token.empty()) {
    auto found = find_token(config, token, f.query.chain_id);
    if (!found) return found.error();
    f.query.token = (*found)->address;
    if (!f.query.chain_id) f.query.chain_id = config.find_chain((*found)->chain)->chain_id;
  }
  if (f.from && f.to && *f.from >= *f.to) {
    return bad("from (" + iso8601(*f.from) + ") must be before to (" + iso8601(*f.to) +
               "): from is inclusive, to exclusive");
  }
  return f;
}

}  // namespace givewatch::api
