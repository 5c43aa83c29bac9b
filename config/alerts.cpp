#include <algorithm>
#include <filesystem>

#include "config/loader.hpp"
#include "config/values.hpp"

namespace givewatch::config {

namespace {

constexpr unsigned bit(AlertKind kind) noexcept {
  return 1u << static_cast<unsigned>(kind);
}

constexpr unsigned kPosting = bit(AlertKind::webhook) | bit(AlertKind::slack) | bit(AlertKind::discord);
constexpr unsigned kChat = bit(AlertKind::slack) | bit(AlertKind::discord) | bit(AlertKind::telegram);
constexpr unsigned kTelegram = bit(AlertKind::telegram);

/// A key of [[alerts]] that only some kinds use; `expected` is set when those kinds require it.
struct KindKey {
  std::string_view key;
  unsigned kinds = 0;
  std::string_view expected;
};

constexpr KindKey kKindKeys[] = {
    {"url", kPosting, "the http:// or https:// URL to POST to, e.g. \"https://ops.example/hook\""},
    {"secret", bit(AlertKind::webhook),
     "a Standard Webhooks secret, 'whsec_' followed by base64, e.g. \"${OPS_WEBHOOK_SECRET}\""},
    {"lang", kChat, {}},
    {"bot_token", kTelegram, "the bot's token from @BotFather, e.g. \"${TG_TOKEN}\""},
    {"chat_id", kTelegram, "the chat to post to, e.g. \"-1001234567890\" or \"@channel\""},
    {"api_base", kTelegram, {}},
};

/// Every kind when `kind` is unknown (its values are still checked), else whether it uses `key`.
bool uses(const std::optional<AlertKind>& kind, std::string_view key) {
  if (!kind) return true;
  for (const auto& entry : kKindKeys) {
    if (entry.key == key) return (entry.kinds & bit(*kind)) != 0;
  }
  return true;
}

/// "'a', 'b' or 'c'"
std::string alternatives(std::span<const std::string_view> choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += "'" + std::string(choices[i]) + "'";
  }
  return out;
}

/// "kind webhook", "kinds webhook, slack and discord"
std::string kinds_named(unsigned kinds) {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < std::size(detail::kAlertKinds); ++i) {
    if (kinds & (1u << i)) names.push_back(detail::kAlertKinds[i]);
  }
  std::string out = names.size() == 1 ? "kind " : "kinds ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

/// Where a secret came from, for messages: the names of its ${VAR}s, never any of its text.
std::string variables_of(const detail::Text& text) {
  const std::string& raw = text.raw;
  std::string names;
  for (std::size_t i = 0; i < raw.size();) {
    if (raw.compare(i, 3, "$${") == 0) {
      i += 3;
    } else if (raw.compare(i, 2, "${") != 0) {
      ++i;
    } else {
      // An expanded Text has only well-formed ${NAME}s.
      const auto close = raw.find('}', i + 2);
      if (close == std::string::npos) break;
      names += (names.empty() ? "'" : ", '") + raw.substr(i, close - i + 1) + "'";
      i = close + 1;
    }
  }
  return names.empty() ? std::string() : " (from " + names + ")";
}

}  // namespace

bool Alert::wants(AlertEvent event) const noexcept {
  return std::find(events.begin(), events.end(), event) != events.end();
}

bool Alert::wants_campaign(std::string_view campaign) const noexcept {
  return campaigns.empty() || std::find(campaigns.begin(), campaigns.end(), campaign) != campaigns.end();
}

std::string Alert::target_url() const {
  if (kind == AlertKind::telegram) return api_base + "/bot" + bot_token + "/sendMessage";
  return url;
}

std::string_view to_string(AlertKind kind) noexcept {
  return detail::kAlertKinds[static_cast<std::size_t>(kind)];
}

std::string_view to_string(AlertEvent event) noexcept {
  return detail::kAlertEvents[static_cast<std::size_t>(event)];
}

namespace detail {

std::optional<std::size_t> Loader::choice(const Text& text, std::string_view what, std::string_view label,
                                          std::span<const std::string_view> choices) {
  const auto match = std::find(choices.begin(), choices.end(), text.value);
  if (match != choices.end()) return static_cast<std::size_t>(match - choices.begin());
  std::string message =
      "invalid " + std::string(what) + " " + text.quoted() + " for " + std::string(label) + "; ";
  if (auto near = closest(text.value, choices)) message += "did you mean '" + std::string(*near) + "'? ";
  r_.error(text.where, message + "expected " + alternatives(choices));
  return std::nullopt;
}

void Loader::alert(const toml::table& table) {
  r_.check_keys(table, kAlert, kAlertKeys);
  Alert alert;
  auto id = r_.text(table, "id", kAlert, Need::optional);
  if (!table.contains("id")) {
    r_.error(table.source(),
             "missing required key 'id' in [[alerts]]; expected the alert's name in logs, metrics and the "
             "API: 1 to 64 characters from a-z, 0-9 and '-'");
  } else if (id) {
    if (!is_slug(id->value, 64)) {
      r_.error(id->where,
               "invalid alert id " + id->quoted() + "; expected 1 to 64 characters from a-z, 0-9 and '-'");
    }
    if (auto [it, inserted] = alert_ids_.try_emplace(id->value, id->where); !inserted) {
      r_.error(id->where, "duplicate alert id " + id->quoted() + ", already used at " +
                              r_.location(it->second) + "; alert ids must be unique");
    }
    alert.id = id->value;
  }
  const std::string label = id ? "alert '" + id->value + "'" : "this alert";

  std::optional<AlertKind> kind;
  if (!table.contains("kind")) {
    r_.error(table.source(),
             "missing required key 'kind' for " + label + "; expected " + alternatives(kAlertKinds));
  } else if (auto name = r_.text(table, "kind", kAlert, Need::optional)) {
    if (auto index = choice(*name, "kind", label, kAlertKinds)) kind = static_cast<AlertKind>(*index);
  }
  if (kind) {
    alert.kind = *kind;
    alert_kind_keys(table, *kind, label);
  }

  auto text = [&](std::string_view key, Show show) -> std::optional<Text> {
    if (!uses(kind, key)) return std::nullopt;  // reported by alert_kind_keys
    return r_.text(table, key, kAlert, Need::optional, show);
  };
  if (auto url = text("url", Show::url)) {
    if (auto checked = check_http_url(url->value, "https://ops.example/hook"); !checked) {
      r_.error(url->where,
               "invalid url " + url->quoted_url() + " for " + label + ": " + checked.error().message);
    } else {
      alert.url = url->value;
    }
  }
  if (auto secret = text("secret", Show::nothing)) {
    if (auto key = parse_webhook_secret(secret->value)) {
      alert.secret = secret->value;
      alert.key = std::move(*key);
    } else {
      r_.error(secret->where,
               "invalid 'secret' for " + label + variables_of(*secret) + ": " + key.error().message);
    }
  }
  if (auto lang = text("lang", Show::value)) {
    if (auto index = choice(*lang, "lang", label, kAlertLangs)) alert.lang = std::string(kAlertLangs[*index]);
  }
  if (uses(kind, "bot_token")) alert_telegram(table, alert, label);
  alert_filters(table, alert, label);

  if (auto from = r_.text(table, "from", kAlert, Need::optional)) {
    if (auto index = choice(*from, "from", label, kAlertFrom)) alert.from = static_cast<AlertFrom>(*index);
  }
  if (auto ca = r_.text(table, "ca_file", kAlert, Need::optional)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(ca->value, ec)) {
      r_.error(ca->where, "ca_file " + ca->quoted() +
                              " is not a readable file; expected a PEM file of the certificate authorities "
                              "to trust for the https endpoint of " +
                              label);
    }
    alert.ca_file = ca->value;
  }
  if (auto value = r_.integer(table, "retry_base_ms", kAlert, Need::optional, Range{10, 3'600'000})) {
    alert.retry_base_ms = static_cast<std::uint32_t>(*value);
  }
  if (auto value = r_.integer(table, "timeout_ms", kAlert, Need::optional, Range{100, 600'000})) {
    alert.timeout_ms = static_cast<std::uint32_t>(*value);
  }
  config_.alerts.push_back(std::move(alert));
}

void Loader::alert_kind_keys(const toml::table& table, AlertKind kind, std::string_view label) {
  const std::string name(to_string(kind));
  for (const auto& entry : kKindKeys) {
    const bool used = (entry.kinds & bit(kind)) != 0;
    if (auto it = table.find(entry.key); it != table.end() && !used) {
      r_.error(it->first.source(), "key '" + std::string(entry.key) + "' is not used by " +
                                       std::string(label) + " of kind '" + name + "'; it applies to " +
                                       kinds_named(entry.kinds) + " only");
    } else if (it == table.end() && used && !entry.expected.empty()) {
      r_.error(table.source(), "missing required key '" + std::string(entry.key) + "' for " +
                                   std::string(label) + " of kind '" + name + "'; expected " +
                                   std::string(entry.expected));
    }
  }
}

void Loader::alert_telegram(const toml::table& table, Alert& alert, std::string_view label) {
  if (auto token = r_.text(table, "bot_token", kAlert, Need::optional, Show::nothing)) {
    if (auto checked = check_bot_token(token->value); !checked) {
      r_.error(token->where, "invalid 'bot_token' for " + std::string(label) + variables_of(*token) + ": " +
                                 checked.error().message);
    } else {
      alert.bot_token = token->value;
    }
  }
  if (auto chat = r_.text(table, "chat_id", kAlert, Need::optional)) {
    if (auto checked = check_chat_id(chat->value); !checked) {
      r_.error(chat->where, "invalid chat_id " + chat->quoted() + " for " + std::string(label) + ": " +
                                checked.error().message);
    } else {
      alert.chat_id = chat->value;
    }
  }
  if (auto base = r_.text(table, "api_base", kAlert, Need::optional, Show::url)) {
    if (auto checked = check_http_url(base->value, "https://api.telegram.org"); !checked) {
      r_.error(base->where, "invalid api_base " + base->quoted_url() + " for " + std::string(label) + ": " +
                                checked.error().message);
    } else {
      alert.api_base = base->value;
      while (!alert.api_base.empty() && alert.api_base.back() == '/') alert.api_base.pop_back();
    }
  }
}

void Loader::alert_filters(const toml::table& table, Alert& alert, std::string_view label) {
  if (auto events = r_.texts(table, "events", kAlert, Need::optional)) {
    if (events->array->empty()) {
      r_.error(events->array->source(), "'events' of " + std::string(label) +
                                            " is empty; expected one or more of " +
                                            alternatives(kAlertEvents) + ", or no 'events' for all three");
    }
    alert.events.clear();
    std::vector<const Text*> seen(std::size(kAlertEvents), nullptr);
    for (const auto& event : events->items) {
      const auto index = choice(event, "event", label, kAlertEvents);
      if (!index) continue;
      if (seen[*index]) {
        r_.error(event.where, "event " + event.quoted() + " is listed twice for " + std::string(label) +
                                  ", also at " + r_.location(seen[*index]->where) + "; list each event once");
        continue;
      }
      seen[*index] = &event;
      alert.events.push_back(static_cast<AlertEvent>(*index));
    }
  }
  if (auto campaigns = r_.texts(table, "campaigns", kAlert, Need::optional)) {
    if (campaigns->array->empty()) {
      r_.error(campaigns->array->source(), "'campaigns' of " + std::string(label) +
                                               " is empty; expected one or more campaign ids, or no "
                                               "'campaigns' for every campaign");
    }
    std::vector<std::string_view> ids;
    std::string list;
    for (const auto& campaign : config_.campaigns) {
      ids.push_back(campaign.id);
      list += (list.empty() ? "" : ", ") + campaign.id;
    }
    std::map<std::string_view, const Text*> seen;
    for (const auto& campaign : campaigns->items) {
      if (!campaign_ids_.contains(campaign.value)) {
        std::string message = "unknown campaign " + campaign.quoted() + " for " + std::string(label) + "; ";
        if (auto near = closest(campaign.value, ids))
          message += "did you mean '" + std::string(*near) + "'? ";
        r_.error(campaign.where,
                 message + "expected one of the configured campaigns: " + (list.empty() ? "(none)" : list));
      } else if (auto [it, inserted] = seen.try_emplace(campaign.value, &campaign); !inserted) {
        r_.error(campaign.where, "campaign " + campaign.quoted() + " is listed twice for " +
                                     std::string(label) + ", also at " + r_.location(it->second->where) +
                                     "; list each campaign once");
      } else {
        alert.campaigns.push_back(campaign.value);
      }
    }
  }
  if (const toml::node* node = table.get("min_value");
      node && (node->is_integer() || node->is_floating_point())) {
    r_.error(node->source(),
             "wrong type for 'min_value' in [[alerts]]: expected a decimal number written as a "
             "string, e.g. \"10\" or \"0.5\", found " +
                 std::string(type_name(*node)));
  } else if (auto min = r_.text(table, "min_value", kAlert, Need::optional)) {
    if (auto value = parse_decimal_value(min->value)) {
      alert.min_value = std::move(*value);
    } else {
      r_.error(min->where, "invalid min_value " + min->quoted() + " for " + std::string(label) + ": " +
                               value.error().message);
    }
  }
}

}  // namespace detail

}  // namespace givewatch::config
