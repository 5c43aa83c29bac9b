#include <algorithm>
#include <sstream>

#include "config/config.hpp"

namespace givewatch::config {

namespace {

/// Left-aligned rows whose columns are padded to the widest cell; the last cell is not padded.
class Columns {
 public:
  void add(std::vector<std::string> row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (widths_.size() <= i) widths_.push_back(0);
      widths_[i] = std::max(widths_[i], width(row[i]));
    }
    rows_.push_back(std::move(row));
  }

  void print(std::ostream& out, std::string_view indent) const {
    for (const auto& row : rows_) {
      std::string line(indent);
      for (std::size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line += std::string(widths_[i] - width(row[i]) + 2, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }

 private:
  /// Characters, not bytes: a redacted URL ends in a 3-byte "…".
  static std::size_t width(std::string_view cell) {
    return static_cast<std::size_t>(std::count_if(
        cell.begin(), cell.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
  }

  std::vector<std::size_t> widths_;
  std::vector<std::vector<std::string>> rows_;
};

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::string plural(std::size_t count, std::string_view word) {
  return std::to_string(count) + " " + std::string(word) + (count == 1 ? "" : "s");
}

}  // namespace

std::string summary(const Config& config) {
  std::ostringstream out;
  const auto& server = config.server;
  const bool ipv6 = server.host.find(':') != std::string::npos;
  out << "config    " << config.source.string() << '\n';
  out << "server    " << (ipv6 ? "[" + server.host + "]" : server.host) << ':' << server.port
      << ", CORS origins: " << (server.cors_origins.empty() ? "none" : join(server.cors_origins, " "))
      << '\n';
  out << "storage   " << config.storage.path.string() << (config.storage.sync ? " (fsync every step)" : "")
      << '\n';

  out << '\n' << "chains (" << config.chains.size() << ")\n";
  Columns chains;
  for (const auto& chain : config.chains) {
    std::vector<std::string> urls;
    for (const auto& url : chain.rpc) urls.push_back(redact_url(url));
    const std::string finality = chain.finality == Finality::confirmations
                                     ? plural(chain.confirmations, "confirmation")
                                     : "finality " + std::string(to_string(chain.finality));
    chains.add({chain.name, "chain_id " + std::to_string(chain.chain_id), finality,
                "range " + std::to_string(chain.max_block_range),
                "poll " + std::to_string(chain.poll_interval_ms) + " ms",
                plural(chain.rpc.size(), "endpoint") + ": " + join(urls, ", ")});
  }
  chains.print(out, "  ");

  out << '\n' << "tokens (" << config.tokens.size() << ")\n";
  Columns tokens;
  for (const auto& chain : config.chains) {
    bool first = true;
    for (const auto& token : config.tokens) {
      if (token.chain != chain.name) continue;
      tokens.add({first ? chain.name : "", token.symbol, core::to_checksum(token.address),
                  plural(token.decimals, "decimal"), token.usd ? "usd" : "not usd"});
      first = false;
    }
  }
  tokens.print(out, "  ");

  out << '\n' << "campaigns (" << config.campaigns.size() << ")\n";
  std::size_t chain_width = 0;
  for (const auto& campaign : config.campaigns) {
    for (const auto& address : campaign.addresses) chain_width = std::max(chain_width, address.chain.size());
  }
  for (const auto& campaign : config.campaigns) {
    out << "  " << campaign.id << "  " << campaign.name << '\n';
    for (const auto& address : campaign.addresses) {
      out << "    " << address.chain << std::string(chain_width - address.chain.size() + 2, ' ')
          << core::to_checksum(address.address) << "  from block " << address.start_block << '\n';
    }
  }

  if (!config.alerts.empty()) {
    // Never a secret or a token: Slack and Discord URLs and Telegram's bot path hold them.
    out << '\n' << "alerts (" << config.alerts.size() << ")\n";
    Columns alerts;
    for (const auto& alert : config.alerts) {
      std::vector<std::string> events;
      for (const auto event : alert.events) events.emplace_back(to_string(event));
      const std::string target = alert.kind == AlertKind::telegram
                                     ? redact_url(alert.api_base) + ", chat " + alert.chat_id
                                     : redact_url(alert.url);
      alerts.add({alert.id, std::string(to_string(alert.kind)), target, "events " + join(events, ","),
                  "campaigns " + (alert.campaigns.empty() ? std::string("all") : join(alert.campaigns, ",")),
                  "min_value " + alert.min_value.text,
                  std::string(alert.from == AlertFrom::end ? "from end" : "from start")});
    }
    alerts.print(out, "  ");
  }

  if (config.attestation) {
    out << '\n' << "attestation\n  signer " << core::to_checksum(config.attestation->signer) << "  key "
        << config.attestation->key_file.string() << '\n';
  }

  if (!config.warnings.empty()) {
    out << '\n' << "warnings (" << config.warnings.size() << ")\n";
    for (const auto& warning : config.warnings) out << "  " << warning << '\n';
  }
  return out.str();
}

}  // namespace givewatch::config
