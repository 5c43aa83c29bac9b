#include "audit/findings.hpp"

#include <sstream>

namespace givewatch::audit {

std::string_view to_string(Kind kind) noexcept {
  switch (kind) {
    case Kind::receipt_missing: return "receipt_missing";
    case Kind::tx_failed: return "tx_failed";
    case Kind::log_missing: return "log_missing";
    case Kind::not_a_donation: return "not_a_donation";
    case Kind::differs: return "differs";
    case Kind::block_differs: return "block_differs";
    case Kind::not_canonical: return "not_canonical";
    case Kind::not_deep_enough: return "not_deep_enough";
    case Kind::missing: return "missing";
    case Kind::extra: return "extra";
  }
  return "unknown";
}

std::map<Kind, std::uint64_t> Report::counts() const {
  std::map<Kind, std::uint64_t> out;
  for (const auto& f : findings) out[f.kind]++;
  return out;
}

std::string to_text(const Finding& f) {
  std::ostringstream out;
  out << to_string(f.kind) << ' ' << f.chain << " tx " << core::to_hex(f.tx_hash) << " log " << f.log_index << " block "
      << f.block_number;
  if (!f.campaign.empty()) out << " (" << f.campaign << ')';
  if (!f.detail.empty()) out << ": " << f.detail;
  return out.str();
}

boost::json::object to_json(const Finding& f) {
  return boost::json::object{{"kind", to_string(f.kind)},       {"chain", f.chain},
                             {"tx_hash", core::to_hex(f.tx_hash)}, {"log_index", f.log_index},
                             {"block_number", f.block_number},    {"campaign", f.campaign},
                             {"detail", f.detail}};
}

std::string summary(const Report& r) {
  std::ostringstream out;
  out << "audited " << r.donations_checked << " stored donations against their receipts and recounted "
      << r.logs_recounted << " Transfer logs\n";
  for (const auto& [kind, n] : r.counts()) out << "  " << to_string(kind) << ": " << n << '\n';
  for (const auto& why : r.incomplete) out << "  INCOMPLETE: " << why << '\n';
  if (r.clean()) {
    out << "clean: the store matches the chain\n";
  } else {
    out << r.findings.size() << (r.findings.size() == 1 ? " problem" : " problems")
        << (r.incomplete.empty() ? "" : ", and the audit is incomplete") << '\n';
  }
  return out.str();
}

}  // namespace givewatch::audit
