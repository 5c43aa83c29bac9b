#include "core/error.hpp"

namespace givewatch::core {

std::string quoted(std::string_view text, std::size_t max) {
  std::string out = "'";
  out.append(text.substr(0, max));
  if (text.size() > max) out.append("...");
  out.push_back('\'');
  return out;
}

}  // namespace givewatch::core
