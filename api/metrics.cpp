// GET /metrics: Prometheus text exposition of the watchers, their endpoints and the store.

#include <cstdio>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "api/handlers.hpp"

namespace givewatch::api {
namespace {

/// A label value with \, " and newline escaped as the exposition format wants.
std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// The _bucket, _sum and _count lines of one histogram series; `buckets` are cumulative counts.
void histogram(std::ostringstream& out, std::string_view name, const std::string& labels,
               const std::vector<std::pair<double, std::uint64_t>>& buckets, double sum, std::uint64_t count) {
  for (const auto& [bound, n] : buckets) {
    out << name << "_bucket{" << labels << ",le=\"" << number(bound) << "\"} " << n << '\n';
  }
  out << name << "_bucket{" << labels << ",le=\"+Inf\"} " << count << '\n';
  out << name << "_sum{" << labels << "} " << number(sum) << '\n';
  out << name << "_count{" << labels << "} " << count << '\n';
}

void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

Response Api::metrics() {
  const auto chains = chains_.chains();
  std::ostringstream out;

  auto per_chain = [&](const char* name, const char* type, const char* help, auto value) {
    family(out, name, type, help);
    for (const auto& c : chains) out << name << "{chain=\"" << escape(c.name) << "\"} " << value(c) << '\n';
  };
  per_chain("givewatch_chain_head_block", "gauge", "Latest block the chain's endpoints report.", [](const ChainView& c) { return c.head; });
  per_chain("givewatch_chain_indexed_block", "gauge", "Every log up to this block is stored.", [](const ChainView& c) { return c.indexed; });
  per_chain("givewatch_chain_confirmed_block", "gauge", "Donations at or below this block are confirmed.",
            [](const ChainView& c) { return c.confirmed; });
  per_chain("givewatch_chain_lag_blocks", "gauge", "Blocks between the head and what is indexed.",
            [](const ChainView& c) { return c.lag(); });
  per_chain("givewatch_chain_syncing", "gauge", "1 while the chain is more than a few blocks behind its head.",
            [](const ChainView& c) { return c.syncing ? 1 : 0; });
  per_chain("givewatch_reorgs_total", "counter", "Reorgs rolled back since start.",
            [](const ChainView& c) { return c.reorgs; });
  per_chain("givewatch_reorg_depth_max_blocks", "gauge", "Depth of the deepest reorg rolled back since start.",
            [](const ChainView& c) { return c.deepest_reorg; });
  per_chain("givewatch_bloom_rechecks_total", "counter",
            "Blocks near the head whose logs bloom names a donation but eth_getLogs gave none, asked again.",
            [](const ChainView& c) { return c.bloom_rechecks; });
  per_chain("givewatch_bloom_recovered_total", "counter",
            "Rechecked blocks whose logs only the second answer held: a provider's log index lagged.",
            [](const ChainView& c) { return c.bloom_recovered; });
  per_chain("givewatch_bloom_unconfirmed_total", "counter",
            "Rechecked blocks empty in the second answer too, taken as bloom false positives.",
            [](const ChainView& c) { return c.bloom_unconfirmed; });

  family(out, "givewatch_chain_stalls_total", "counter", "Watcher steps that did not advance the chain, by reason.");
  for (const auto& c : chains) {
    for (const auto& [reason, n] : c.stalls) {
      out << "givewatch_chain_stalls_total{chain=\"" << escape(c.name) << "\",reason=\"" << escape(reason) << "\"} " << n
          << '\n';
    }
  }
  family(out, "givewatch_rpc_requests_total", "counter", "JSON-RPC requests sent, by endpoint.");
  for (const auto& c : chains) {
    for (const auto& e : c.endpoints) {
      out << "givewatch_rpc_requests_total{chain=\"" << escape(c.name) << "\",endpoint=\"" << escape(e.url) << "\"} "
          << e.requests << '\n';
    }
  }
  family(out, "givewatch_rpc_errors_total", "counter", "JSON-RPC requests that failed, by endpoint and kind.");
  for (const auto& c : chains) {
    for (const auto& e : c.endpoints) {
      for (const auto& [kind, n] : e.errors) {
        out << "givewatch_rpc_errors_total{chain=\"" << escape(c.name) << "\",endpoint=\"" << escape(e.url)
            << "\",kind=\"" << escape(kind) << "\"} " << n << '\n';
      }
    }
  }
  family(out, "givewatch_rpc_latency_seconds", "histogram", "JSON-RPC request latency, by endpoint.");
  for (const auto& c : chains) {
    for (const auto& e : c.endpoints) {
      const std::string labels = "chain=\"" + escape(c.name) + "\",endpoint=\"" + escape(e.url) + "\"";
      histogram(out, "givewatch_rpc_latency_seconds", labels, e.latency, e.latency_sum, e.requests);
    }
  }

  const auto alerts = this->alerts();
  family(out, "givewatch_alert_attempts_total", "counter", "Alert delivery attempts, by sink and outcome.");
  for (const auto& a : alerts) {
    for (const auto& [outcome, n] : a.attempts) {
      out << "givewatch_alert_attempts_total{sink=\"" << escape(a.id) << "\",outcome=\"" << escape(outcome) << "\"} " << n
          << '\n';
    }
  }
  family(out, "givewatch_alert_events_behind", "gauge", "Events of the log a sink has yet to deliver or pass.");
  for (const auto& a : alerts) out << "givewatch_alert_events_behind{sink=\"" << escape(a.id) << "\"} " << a.behind << '\n';
  family(out, "givewatch_alert_stopped", "gauge", "1 when a sink is stopped (its receiver answered 410 Gone).");
  for (const auto& a : alerts) {
    out << "givewatch_alert_stopped{sink=\"" << escape(a.id) << "\"} " << (a.state == "stopped" ? 1 : 0) << '\n';
  }
  family(out, "givewatch_alert_attempt_seconds", "histogram", "Alert delivery attempt latency, by sink.");
  for (const auto& a : alerts) {
    std::uint64_t count = 0;
    for (const auto& [outcome, n] : a.attempts) count += n;
    histogram(out, "givewatch_alert_attempt_seconds", "sink=\"" + escape(a.id) + "\"", a.latency, a.latency_sum, count);
  }

  family(out, "givewatch_campaign_donations", "gauge", "Donations stored, by campaign and status.");
  std::uint64_t stored = 0;
  for (const auto& campaign : config_.campaigns) {
    auto totals = store_.totals(campaign.id);
    if (!totals) return error(503, "storage", totals.error().message);
    std::uint64_t confirmed = 0, pending = 0;
    for (const auto& t : totals->tokens) {
      confirmed += t.confirmed_count;
      pending += t.pending_count;
    }
    stored += confirmed + pending;
    out << "givewatch_campaign_donations{campaign=\"" << escape(campaign.id) << "\",status=\"confirmed\"} " << confirmed
        << '\n';
    out << "givewatch_campaign_donations{campaign=\"" << escape(campaign.id) << "\",status=\"pending\"} " << pending << '\n';
  }
  family(out, "givewatch_donations_stored", "gauge", "Donations stored, all campaigns.");
  out << "givewatch_donations_stored " << stored << '\n';
  family(out, "givewatch_events_last_seq", "gauge", "Sequence number of the newest event.");
  out << "givewatch_events_last_seq " << store_.last_event_seq() << '\n';

  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = out.str();
  r.cache_control = "no-store";
  return r;
}

}  // namespace givewatch::api
