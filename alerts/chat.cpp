#include <algorithm>
#include <boost/json.hpp>
#include <initializer_list>

#include "alerts/describe.hpp"
#include "alerts/payload.hpp"

namespace givewatch::alerts {
namespace {

/// One chat's markup: how configured text is made literal, and how bold text and links are written.
struct Markup {
  std::string (*escape)(std::string_view text);
  std::string (*bold)(std::string_view escaped);
  std::string (*link)(std::string_view url, std::string_view escaped_text);
};

/// A configured text on one line: a control character (a newline in a campaign name) becomes a space.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

/// `text` with each character that has an entry in `table` replaced by it.
std::string replaced(std::string_view text, std::initializer_list<std::pair<char, std::string_view>> table) {
  std::string out;
  for (const char c : text) {
    const auto* entry = std::find_if(table.begin(), table.end(), [c](const auto& e) { return e.first == c; });
    if (entry == table.end()) {
      out += c;
    } else {
      out += entry->second;
    }
  }
  return out;
}

/// Slack mrkdwn: only &, < and > are special (https://api.slack.com/reference/surfaces/formatting).
std::string slack_escape(std::string_view text) {
  return replaced(one_line(text), {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}});
}

/// Discord markdown: a backslash makes a markup character literal. Brackets and parentheses too, so
/// that no configured text can turn into a masked link.
std::string discord_escape(std::string_view text) {
  std::string out;
  for (const char c : one_line(text)) {
    if (std::string_view("\\*_~`|><[]()").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

/// Telegram's HTML parse mode: &, <, > and " as entities (all four are ones it supports).
std::string html_escape(std::string_view text) {
  return replaced(one_line(text), {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}});
}

/// A URL inside Discord's (...) of a masked link: characters that would end it are percent-encoded.
std::string discord_url(std::string_view url) {
  return replaced(url, {{' ', "%20"}, {'(', "%28"}, {')', "%29"}, {'<', "%3C"}, {'>', "%3E"}});
}

const Markup kSlack{
    slack_escape,
    [](std::string_view s) { return "*" + std::string(s) + "*"; },
    [](std::string_view url, std::string_view text) {
      return "<" + slack_escape(url) + "|" + std::string(text) + ">";
    },
};

const Markup kDiscord{
    discord_escape,
    [](std::string_view s) { return "**" + std::string(s) + "**"; },
    [](std::string_view url, std::string_view text) {
      return "[" + std::string(text) + "](" + discord_url(url) + ")";
    },
};

const Markup kTelegram{
    html_escape,
    [](std::string_view s) { return "<b>" + std::string(s) + "</b>"; },
    [](std::string_view url, std::string_view text) {
      return "<a href=\"" + html_escape(url) + "\">" + std::string(text) + "</a>";
    },
};

/// The fixed words of a message in one language.
struct Words {
  std::string_view created, confirmed, removed;  ///< headlines by event type
  std::string_view on, from;                     ///< "250.5 USDT on bsc from 0x…"
  std::string_view total, usd_confirmed, usd_pending;
  std::string_view view_tx;
};

const Words kEnglish{"New donation",
                     "Donation confirmed",
                     "Donation undone by a chain reorganization",
                     "on",
                     "from",
                     "Campaign total:",
                     "confirmed",
                     "pending",
                     "View transaction"};

const Words kRussian{"Новое пожертвование",
                     "Пожертвование подтверждено",
                     "Пожертвование отменено реорганизацией цепочки",
                     "в сети",
                     "от",
                     "Всего по кампании:",
                     "подтверждено",
                     "ожидает подтверждения",
                     "Транзакция в обозревателе"};

std::string message(const Markup& m, const Words& w, const config::Config& config,
                    const storage::Event& event, const CampaignUsd& usd) {
  const Facts f = describe(config, event.donation);
  const std::string_view headline = event.type == storage::EventType::confirmed ? w.confirmed
                                    : event.type == storage::EventType::removed ? w.removed
                                                                                : w.created;
  const auto text = [&](std::string_view s) { return m.escape(s); };
  std::string out = m.bold(text(headline)) + ": " + text(f.campaign_name) + "\n";
  out += text(f.value) + " " + text(f.symbol) + " " + text(w.on) + " " + text(f.chain) + " " + text(w.from) +
         " " + text(f.sender) + "\n";
  out += text(w.total) + " $" + text(usd.confirmed) + " " + text(w.usd_confirmed) + ", $" +
         text(usd.pending) + " " + text(w.usd_pending);
  if (!f.tx_url.empty()) out += "\n" + m.link(f.tx_url, text(w.view_tx));
  return out;
}

}  // namespace

std::string chat_body(const config::Config& config, const config::Alert& alert, const storage::Event& event,
                      const CampaignUsd& usd) {
  namespace json = boost::json;
  const Words& words = alert.lang == "ru" ? kRussian : kEnglish;
  json::object body;
  switch (alert.kind) {
    case config::AlertKind::discord:
      body["content"] = message(kDiscord, words, config, event, usd);
      body["allowed_mentions"] = json::object{{"parse", json::array{}}};
      break;
    case config::AlertKind::telegram:
      body["chat_id"] = alert.chat_id;
      body["text"] = message(kTelegram, words, config, event, usd);
      body["parse_mode"] = "HTML";
      body["disable_web_page_preview"] = true;
      break;
    case config::AlertKind::slack:
    case config::AlertKind::webhook:  // not a chat; Slack's plain shape is the most widely understood
      body["text"] = message(kSlack, words, config, event, usd);
      break;
  }
  return json::serialize(body);
}

}  // namespace givewatch::alerts
