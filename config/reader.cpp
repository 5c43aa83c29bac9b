#include "config/reader.hpp"

#include <algorithm>

#include "config/values.hpp"

namespace givewatch::config::detail {

namespace {

/// "'key' in [[chains]]", or "'key'" at the top level.
std::string named(std::string_view key, std::string_view context) {
  std::string out = "'" + std::string(key) + "'";
  if (!context.empty()) out += " in " + std::string(context);
  return out;
}

bool is_name_char(char c, bool first) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

Diagnostic at(const std::string& file, const toml::source_region& where, std::string message) {
  return Diagnostic{file, where.begin.line, where.begin.column, std::move(message)};
}

void sort_by_location(std::vector<Diagnostic>& list) {
  std::stable_sort(list.begin(), list.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
}

}  // namespace

std::string Text::origin() const {
  return raw == value ? std::string() : " (from '" + raw + "')";
}

std::string Text::quoted_url() const {
  std::string out = "'" + redact_url(value) + "'";
  if (raw != value) out += " (from '" + redact_url(raw) + "')";
  return out;
}

std::string_view type_name(const toml::node& node) noexcept {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string describe(Range range) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (range.max == max && range.min == 1) return "a positive integer";
  if (range.max == max && range.min == 0) return "a non-negative integer";
  return "an integer from " + std::to_string(range.min) + " to " + std::to_string(range.max);
}

std::string Reader::location(const toml::source_region& where) const {
  return file_ + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

void Reader::error(const toml::source_region& where, std::string message) {
  errors_.push_back(at(file_, where, std::move(message)));
}

void Reader::warn(const toml::source_region& where, std::string message) {
  warnings_.push_back(at(file_, where, std::move(message)));
}

void Reader::check_keys(const toml::table& table, std::string_view context,
                        std::span<const std::string_view> keys) {
  std::string valid;
  for (auto key : keys) valid += (valid.empty() ? "" : ", ") + std::string(key);
  for (auto&& [key, value] : table) {
    if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
    std::string message = "unknown key " + named(key.str(), context) + "; ";
    if (auto near = closest(key.str(), keys)) message += "did you mean '" + std::string(*near) + "'? ";
    error(key.source(), message + "valid keys: " + valid);
  }
}

const toml::node* Reader::find(const toml::table& table, std::string_view key, std::string_view context,
                               Need need, std::string_view expected) {
  const toml::node* node = table.get(key);
  if (!node && need == Need::required) {
    error(table.source(),
          "missing required key " + named(key, context) + "; expected " + std::string(expected));
  }
  return node;
}

void Reader::wrong_type(const toml::node& node, std::string_view key, std::string_view context,
                        std::string_view expected) {
  error(node.source(), "wrong type for " + named(key, context) + ": expected " + std::string(expected) +
                           ", found " + std::string(type_name(node)));
}

std::optional<Text> Reader::expand(const toml::node& node, Show show, std::string_view name) {
  const std::string& raw = node.as_string()->get();
  Text out{{}, raw, node.source()};
  // A secret or a URL may hold "${" by mistake: then the text around it is part of the secret.
  const std::string in = show == Show::value  ? "'" + raw + "'"
                         : show == Show::url ? "'" + redact_url(raw) + "'"
                                             : std::string(name) + " (its value is not shown: it is secret)";
  bool ok = true;
  for (std::size_t i = 0; i < raw.size();) {
    if (raw.compare(i, 3, "$${") == 0) {
      out.value += "${";
      i += 3;
      continue;
    }
    if (raw.compare(i, 2, "${") != 0) {
      out.value += raw[i++];
      continue;
    }
    const auto close = raw.find('}', i + 2);
    if (close == std::string::npos) {
      error(node.source(), "unterminated '${' in " + in + "; expected ${NAME}, or $${ for a literal '${'");
      return std::nullopt;
    }
    const std::string variable = raw.substr(i + 2, close - i - 2);
    bool valid_name = !variable.empty();
    for (std::size_t k = 0; k < variable.size(); ++k) {
      valid_name = valid_name && is_name_char(variable[k], k == 0);
    }
    if (!valid_name) {
      error(node.source(), "invalid variable " + (show == Show::value ? "'${" + variable + "}'" : "in " + in) +
                               "; expected ${NAME} with NAME made of letters, digits and '_', not starting "
                               "with a digit");
      ok = false;
    } else if (auto value = lookup_(variable)) {
      out.value += *value;
    } else {
      error(node.source(), "environment variable '" + variable + "' is not set; set it, or replace ${" +
                               variable + "} with a value");
      ok = false;
    }
    i = close + 1;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Text> Reader::text(const toml::table& table, std::string_view key, std::string_view context,
                                 Need need, Show show) {
  const toml::node* node = find(table, key, context, need, "a string");
  if (!node) return std::nullopt;
  if (!node->is_string()) {
    wrong_type(*node, key, context, "a string");
    return std::nullopt;
  }
  return expand(*node, show, named(key, context));
}

std::optional<std::int64_t> Reader::integer(const toml::table& table, std::string_view key,
                                            std::string_view context, Need need, Range range) {
  const toml::node* node = find(table, key, context, need, describe(range));
  if (!node) return std::nullopt;
  if (!node->is_integer()) {
    wrong_type(*node, key, context, describe(range));
    return std::nullopt;
  }
  const std::int64_t value = node->as_integer()->get();
  if (value < range.min || value > range.max) {
    error(node->source(),
          named(key, context) + " is " + std::to_string(value) + "; expected " + describe(range));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Reader::boolean(const toml::table& table, std::string_view key, std::string_view context,
                                    Need need) {
  constexpr std::string_view expected = "a boolean (true or false)";
  const toml::node* node = find(table, key, context, need, expected);
  if (!node) return std::nullopt;
  if (!node->is_boolean()) {
    wrong_type(*node, key, context, expected);
    return std::nullopt;
  }
  return node->as_boolean()->get();
}

std::optional<Texts> Reader::texts(const toml::table& table, std::string_view key, std::string_view context,
                                   Need need) {
  constexpr std::string_view expected = "an array of strings";
  const toml::node* node = find(table, key, context, need, expected);
  if (!node) return std::nullopt;
  if (!node->is_array()) {
    wrong_type(*node, key, context, expected);
    return std::nullopt;
  }
  Texts out{node->as_array(), {}};
  std::size_t index = 0;
  for (const toml::node& element : *out.array) {
    const std::string element_key = std::string(key) + "[" + std::to_string(index++) + "]";
    if (!element.is_string()) {
      wrong_type(element, element_key, context, "a string");
    } else if (auto value = expand(element)) {
      out.items.push_back(std::move(*value));
    }
  }
  return out;
}

std::optional<std::vector<const toml::table*>> Reader::tables(const toml::table& table, std::string_view key,
                                                              std::string_view context, Need need,
                                                              std::string_view header) {
  const std::string expected = "an array of tables, written " + std::string(header);
  const toml::node* node = find(table, key, context, need, expected);
  if (!node) return std::nullopt;
  if (!node->is_array()) {
    wrong_type(*node, key, context, expected);
    return std::nullopt;
  }
  std::vector<const toml::table*> out;
  std::size_t index = 0;
  for (const toml::node& element : *node->as_array()) {
    const std::string element_key = std::string(key) + "[" + std::to_string(index++) + "]";
    if (element.is_table()) {
      out.push_back(element.as_table());
    } else {
      wrong_type(element, element_key, context, "a table");
    }
  }
  return out;
}

const toml::table* Reader::table(const toml::table& parent, std::string_view key, std::string_view header) {
  const toml::node* node = parent.get(key);
  if (!node) return nullptr;
  if (!node->is_table()) {
    wrong_type(*node, key, {}, "a table, written " + std::string(header));
    return nullptr;
  }
  return node->as_table();
}

std::vector<Diagnostic> Reader::take_errors() {
  sort_by_location(errors_);
  return std::move(errors_);
}

std::vector<std::string> Reader::take_warnings() {
  sort_by_location(warnings_);
  std::vector<std::string> out;
  for (const auto& warning : warnings_) out.push_back(warning.to_string());
  return out;
}

}  // namespace givewatch::config::detail
