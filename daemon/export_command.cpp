#include <boost/url/url.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/export.hpp"
#include "api/filter.hpp"
#include "api/routes.hpp"
#include "daemon/commands.hpp"
#include "storage/store.hpp"

namespace givewatch::daemon {

int export_command(const Command& cmd) {
  auto cfg = load_config(cmd.config);
  if (!cfg) return kExitUsage;
  const config::Campaign* campaign = cfg->find_campaign(cmd.campaign);
  if (!campaign) {
    std::vector<std::string> ids;
    for (const auto& c : cfg->campaigns) ids.push_back(c.id);
    std::cerr << "no campaign '" << cmd.campaign << "' in " << cmd.config.string()
              << "; campaigns are: " << api::comma_list(ids) << '\n';
    return kExitUsage;
  }
  // The options become the route's query, read by the API's own parser: same checks, same messages.
  boost::urls::url query;
  for (const auto& [name, value] : cmd.filters) query.params().append({name, value});
  auto filter = api::parse_donation_filter(*cfg, *campaign, query.params(), api::kExportQuery);
  if (!filter) {
    std::cerr << filter.error().message << '\n';
    return kExitUsage;
  }
  // Read-only, like `verify`: works beside a running daemon, on what it had committed by now.
  auto store = storage::Store::open(cfg->storage.path, storage::Options{.read_only = true});
  if (!store) {
    std::cerr << store.error().message << '\n';
    return kExitFailure;
  }

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!cmd.out.empty()) {
    file.open(cmd.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "cannot write " << cmd.out.string() << ": " << std::strerror(errno) << '\n';
      return kExitFailure;
    }
    out = &file;
  }
  const auto fail = [&](const std::string& message) {
    std::cerr << message << '\n';
    if (!cmd.out.empty()) {
      file.close();
      std::error_code ignored;
      std::filesystem::remove(cmd.out, ignored);  // no half a file that looks whole
    }
    return kExitFailure;
  };
  const auto format = cmd.format == "jsonl" ? api::ExportFormat::jsonl : api::ExportFormat::csv;
  api::DonationExport rows(*cfg, **store, std::move(*filter), format);
  while (true) {
    auto piece = rows.next();
    if (!piece) return fail(piece.error().message);
    if (!*piece) break;
    out->write((*piece)->data(), static_cast<std::streamsize>((*piece)->size()));
    if (!*out)
      return fail("writing " + (cmd.out.empty() ? std::string("standard output") : cmd.out.string()) +
                  " failed");
  }
  out->flush();
  if (!*out)
    return fail("writing " + (cmd.out.empty() ? std::string("standard output") : cmd.out.string()) +
                " failed");
  return kExitOk;
}

}  // namespace givewatch::daemon
