#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>

#include "attest/signer.hpp"
#include "config/loader.hpp"
#include "config/values.hpp"

namespace givewatch::config {

namespace detail {

Config Loader::load(const toml::table& root) {
  top_level(root);
  if (auto* table = r_.table(root, "server", "[server]")) server(*table);
  if (auto* table = r_.table(root, "storage", "[storage]")) storage(*table);
  if (auto* table = r_.table(root, "attestation", "[attestation]")) attestation(*table);

  const std::string no_chains =
      "no chains; expected at least one [[chains]] table with name, chain_id and rpc";
  if (const toml::node* node = root.get("chains"); !node) {
    r_.error(root.source(), no_chains);
  } else if (auto chains = r_.tables(root, "chains", {}, Need::optional, kChain)) {
    if (node->as_array()->empty()) r_.error(node->source(), no_chains);
    for (const auto* table : *chains) chain(*table);
  }
  if (auto tokens = r_.tables(root, "tokens", {}, Need::optional, kToken)) {
    for (const auto* table : *tokens) token(*table);
  }
  if (auto campaigns = r_.tables(root, "campaigns", {}, Need::optional, kCampaign)) {
    for (const auto* table : *campaigns) campaign(*table);
  }
  // After every campaign, wherever its table is in the file: an alert may name any of them.
  if (auto alerts = r_.tables(root, "alerts", {}, Need::optional, kAlert)) {
    for (const auto* table : *alerts) alert(*table);
  }
  if (!r_.has_errors()) warnings();
  return std::move(config_);
}

void Loader::top_level(const toml::table& root) {
  std::string valid;
  for (auto header : kTopLevelHeaders) valid += (valid.empty() ? "" : ", ") + std::string(header);
  for (auto&& [key, node] : root) {
    const std::string_view name = key.str();
    if (std::find(std::begin(kTopLevel), std::end(kTopLevel), name) != std::end(kTopLevel)) continue;
    std::string message;
    if (node.is_table()) {
      message = "unknown top-level table [" + std::string(name) + "]; ";
    } else if (node.is_array_of_tables()) {
      message = "unknown top-level table [[" + std::string(name) + "]]; ";
    } else {
      message = "unknown top-level key '" + std::string(name) + "'; ";
    }
    if (auto near = closest(name, kTopLevel)) {
      const auto index = std::find(std::begin(kTopLevel), std::end(kTopLevel), *near) - std::begin(kTopLevel);
      message += "did you mean " + std::string(kTopLevelHeaders[index]) + "? ";
    }
    r_.error(key.source(), message + "valid top-level tables: " + valid);
  }
}

void Loader::server(const toml::table& table) {
  constexpr std::string_view context = "[server]";
  r_.check_keys(table, context, kServerKeys);
  if (auto listen = r_.text(table, "listen", context, Need::optional)) {
    if (auto parsed = parse_listen(listen->value)) {
      config_.server.host = parsed->host;
      config_.server.port = parsed->port;
    } else {
      r_.error(listen->where, "invalid listen address " + listen->quoted() + ": " + parsed.error().message);
    }
  }
  if (auto origins = r_.texts(table, "cors_origins", context, Need::optional)) {
    config_.server.cors_origins.clear();
    for (const auto& origin : origins->items) {
      if (auto checked = check_origin(origin.value); !checked) {
        r_.error(origin.where, "invalid CORS origin " + origin.quoted() + ": " + checked.error().message);
      }
      config_.server.cors_origins.push_back(origin.value);
    }
  }
}

void Loader::storage(const toml::table& table) {
  constexpr std::string_view context = "[storage]";
  r_.check_keys(table, context, kStorageKeys);
  if (auto path = r_.text(table, "path", context, Need::optional)) {
    if (path->value.empty()) {
      r_.error(path->where,
               "'path' in [storage] is empty; expected the directory for the database, e.g. './data'");
    }
    config_.storage.path = path->value;
  }
  if (auto sync = r_.boolean(table, "sync", context, Need::optional)) config_.storage.sync = *sync;
}

void Loader::attestation(const toml::table& table) {
  constexpr std::string_view context = "[attestation]";
  r_.check_keys(table, context, kAttestationKeys);
  auto path = r_.text(table, "key_file", context, Need::required);
  if (!path) return;
  // The key is read to check it and to show its address; the daemon reads it again when it starts.
  auto signer = attest::load_signer(path->value);
  if (!signer) {
    r_.error(path->where, signer.error().message);
    return;
  }
  config_.attestation = Attestation{path->value, (*signer)->address()};
}

void Loader::warnings() {
  for (const auto& chain : config_.chains) {
    const auto where = chain_names_.find(chain.name)->second;
    const bool has_tokens = std::any_of(config_.tokens.begin(), config_.tokens.end(),
                                        [&](const Token& token) { return token.chain == chain.name; });
    const bool used = std::any_of(config_.campaigns.begin(), config_.campaigns.end(), [&](const Campaign& c) {
      return std::any_of(c.addresses.begin(), c.addresses.end(),
                         [&](const CampaignAddress& a) { return a.chain == chain.name; });
    });
    if (!has_tokens) {
      r_.warn(where, "chain '" + chain.name + "' has no [[tokens]], so no donation on it can be seen");
    }
    if (!used) {
      r_.warn(where, "no campaign has an address on chain '" + chain.name + "', so nothing on it is indexed");
    }
  }
}

}  // namespace detail

namespace {

std::optional<std::string> process_environment(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

LoadResult load(std::string_view text, std::string file, detail::Lookup lookup,
                std::filesystem::path source) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    std::string description(e.description());
    constexpr std::string_view prefix = "Error while parsing ";
    std::string message = description.starts_with(prefix)
                              ? "TOML syntax error while parsing " + description.substr(prefix.size())
                              : "TOML syntax error: " + description;
    return LoadResult{std::nullopt,
                      {Diagnostic{file, e.source().begin.line, e.source().begin.column, std::move(message)}}};
  }
  detail::Reader reader(file, std::move(lookup));
  Config config = detail::Loader(reader).load(root);
  LoadResult result{std::nullopt, reader.take_errors()};
  if (result.errors.empty()) {
    config.source = std::move(source);
    config.warnings = reader.take_warnings();
    result.config = std::move(config);
  }
  return result;
}

}  // namespace

const Chain* Config::find_chain(std::string_view name) const noexcept {
  auto it =
      std::find_if(chains.begin(), chains.end(), [name](const Chain& chain) { return chain.name == name; });
  return it == chains.end() ? nullptr : &*it;
}

bool proofs_by_default(std::uint64_t chain_id) noexcept {
  constexpr std::uint64_t kAurora = 1313161554;
  return chain_id != kAurora;
}

const Campaign* Config::find_campaign(std::string_view id) const noexcept {
  auto it = std::find_if(campaigns.begin(), campaigns.end(), [id](const Campaign& c) { return c.id == id; });
  return it == campaigns.end() ? nullptr : &*it;
}

std::string Diagnostic::to_string() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string_view to_string(Finality finality) noexcept {
  return detail::kFinality[static_cast<std::size_t>(finality)];
}

LoadResult load_file(const std::filesystem::path& path) {
  auto unreadable = [&path](const std::string& reason) {
    return LoadResult{
        std::nullopt,
        {Diagnostic{path.string(), 0, 0,
                    "cannot read the configuration file: " + reason + "; expected a readable TOML file"}}};
  };
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return unreadable("it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(std::generic_category().message(errno));
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return unreadable(std::generic_category().message(errno));
  return load(text, path.string(), process_environment, path);
}

LoadResult load_string(std::string_view toml, std::string_view source_name, const Environment* env) {
  detail::Lookup lookup = process_environment;
  if (env) {
    lookup = [env](std::string_view name) -> std::optional<std::string> {
      auto it = env->find(name);
      if (it == env->end()) return std::nullopt;
      return it->second;
    };
  }
  return load(toml, std::string(source_name), std::move(lookup), std::filesystem::path(source_name));
}

}  // namespace givewatch::config
