#pragma once

#include <span>
#include <string_view>

namespace givewatch::api {

/// A file of api/static/, compiled into the binary (see embed.cmake).
struct Asset {
  std::string_view path;          ///< "/index.html", "/widget.js", ...
  std::string_view content_type;  ///< from the file's extension
  std::string_view body;
};

std::span<const Asset> assets();

}  // namespace givewatch::api
