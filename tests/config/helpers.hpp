#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace givewatch::config::test {

/// Loads `toml` as "test.toml" with `env` as the whole environment.
inline LoadResult load(std::string_view toml, const Environment& env = {}) {
  return load_string(toml, "test.toml", &env);
}

/// Every diagnostic as "file:line:column: message", in the order reported.
inline std::vector<std::string> errors(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& error : result.errors) out.push_back(error.to_string());
  return out;
}

/// The one diagnostic of a file with a single mistake; anything else is spelled out so that a
/// failing assertion shows what was reported instead.
inline std::string only_error(const LoadResult& result) {
  if (result.errors.size() == 1 && !result.config) return result.errors.front().to_string();
  std::string out = std::to_string(result.errors.size()) + " errors:";
  for (const auto& error : result.errors) out += "\n  " + error.to_string();
  return out;
}

/// A valid chain, to which a test adds the entries it is about.
inline constexpr std::string_view kBsc = R"([[chains]]
name = "bsc"
chain_id = 56
rpc = ["https://bsc.example"]
)";

/// A valid Standard Webhooks secret (32 bytes), for [[alerts]] tests.
inline constexpr std::string_view kSecret = "whsec_aSEGCJ1tOB7pZMKLUsrXNJozyTypIL4klVdV+lBw5+E=";

/// kBsc (lines 1-4) and the campaigns "memorial" (lines 5-8) and "school" (lines 9-12), before the
/// [[alerts]] tables of a test, which begin on line 13.
inline std::string with_campaigns(std::string_view more) {
  return std::string(kBsc) + R"([[campaigns]]
id = "memorial"
name = "Memorial"
addresses = [{ chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 1 }]
[[campaigns]]
id = "school"
name = "School"
addresses = [{ chain = "bsc", address = "0x2222222222222222222222222222222222222222", start_block = 1 }]
)" + std::string(more);
}

}  // namespace givewatch::config::test
