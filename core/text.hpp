#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace givewatch::core {

/// How many bytes of an outside text (a provider's error message, an HTTP body) givewatch keeps.
inline constexpr std::size_t kOutsideTextLimit = 300;

/// Outside text made fit to log and to show in the API. Control characters are escaped (`\n`, `\r`,
/// `\t`, and `\x1b` for the ESC that starts a terminal escape sequence; C1 controls as `\u009b`),
/// bytes that are not UTF-8 become `\xNN`, and the escaped text is cut at a character boundary to at
/// most `limit` bytes, followed by "… (N bytes)" naming the size of the original when anything was
/// cut. The result is valid UTF-8 with no control character, at most `limit` + 32 bytes long. Reads
/// only what it keeps, so the cost does not grow with the size of `text`. Apply it once: the marker
/// of a cut text would be cut again.
std::string bounded_text(std::string_view text, std::size_t limit = kOutsideTextLimit);

}  // namespace givewatch::core
