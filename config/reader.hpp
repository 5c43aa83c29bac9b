#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace givewatch::config::detail {

/// The value of an environment variable for ${VAR}, or nullopt when it is not set.
using Lookup = std::function<std::optional<std::string>(std::string_view)>;

/// A string value after ${VAR} expansion, with where it was written.
struct Text {
  std::string value;
  std::string raw;  ///< as written in the file, before expansion
  toml::source_region where;

  /// " (from '${VAR}')" when expansion changed the value, else empty: where a value came from.
  std::string origin() const;
  /// 'value' and its origin.
  std::string quoted() const { return "'" + value + "'" + origin(); }
  /// Like quoted(), with both forms passed through redact_url: URLs carry API keys.
  std::string quoted_url() const;
};

/// The string elements of an array; elements of another type were reported and left out.
struct Texts {
  const toml::array* array = nullptr;
  std::vector<Text> items;
};

enum class Need { optional, required };

/// What a problem with a string value may show of it: the value, the value through redact_url
/// (URLs whose path or query holds a key), or nothing (secrets and tokens; names of ${VAR} only).
enum class Show { value, url, nothing };

/// Inclusive bounds of an integer value.
struct Range {
  std::int64_t min = 0;
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

/// Reads typed values out of a parsed document and records a Diagnostic for every problem, so that
/// one run reports them all. `context` names the table in messages, e.g. "[[chains]]"; a getter
/// returns nullopt when the key is absent or its value was reported as wrong.
class Reader {
 public:
  Reader(std::string file, Lookup lookup) : file_(std::move(file)), lookup_(std::move(lookup)) {}

  /// "file:line:column"
  std::string location(const toml::source_region& where) const;
  void error(const toml::source_region& where, std::string message);
  void warn(const toml::source_region& where, std::string message);
  bool has_errors() const noexcept { return !errors_.empty(); }

  /// Reports every key of `table` not among `keys`, suggesting the nearest valid one.
  void check_keys(const toml::table& table, std::string_view context, std::span<const std::string_view> keys);

  std::optional<Text> text(const toml::table& table, std::string_view key, std::string_view context,
                           Need need, Show show = Show::value);
  std::optional<std::int64_t> integer(const toml::table& table, std::string_view key,
                                      std::string_view context, Need need, Range range);
  std::optional<bool> boolean(const toml::table& table, std::string_view key, std::string_view context,
                              Need need);
  std::optional<Texts> texts(const toml::table& table, std::string_view key, std::string_view context,
                             Need need);
  /// An array of tables, written [[context.key]] or as an array of inline tables.
  std::optional<std::vector<const toml::table*>> tables(const toml::table& table, std::string_view key,
                                                        std::string_view context, Need need,
                                                        std::string_view header);
  /// An optional table such as [server].
  const toml::table* table(const toml::table& parent, std::string_view key, std::string_view header);

  /// Every error so far, in the order of their location in the file.
  std::vector<Diagnostic> take_errors();
  /// Every warning so far as "file:line:column: message", in file order.
  std::vector<std::string> take_warnings();

 private:
  const toml::node* find(const toml::table& table, std::string_view key, std::string_view context, Need need,
                         std::string_view expected);
  void wrong_type(const toml::node& node, std::string_view key, std::string_view context,
                  std::string_view expected);
  /// `name` is "'key' in [[context]]", shown instead of a value that must not be.
  std::optional<Text> expand(const toml::node& node, Show show = Show::value, std::string_view name = {});

  std::string file_;
  Lookup lookup_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
};

/// "a string", "an integer", ... for messages.
std::string_view type_name(const toml::node& node) noexcept;

/// "a positive integer", "an integer from 50 to 3600000", ...
std::string describe(Range range);

}  // namespace givewatch::config::detail
