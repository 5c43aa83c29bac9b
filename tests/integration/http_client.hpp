#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace givewatch::test {

/// An HTTP answer as a test looks at it.
struct HttpAnswer {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< names lowercased
  std::string body;
};

/// One GET on 127.0.0.1:port (a new connection each time).
HttpAnswer http_get(std::uint16_t port, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

/// An open Server-Sent Events stream, read as raw text.
class EventStream {
 public:
  EventStream(std::uint16_t port, const std::string& target);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;
  /// Everything received so far, after waiting until it contains `needle` or `timeout` passed.
  const std::string& wait_for(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string text_;
};

}  // namespace givewatch::test
