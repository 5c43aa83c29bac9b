#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

#include "core/task.hpp"

namespace givewatch::test {

/// Runs `task` on `io` to completion and returns its result (or throws what it threw).
template <class T>
T run_task(boost::asio::io_context& io, Task<T> task) {
  std::optional<T> out;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    if (e) {
      error = e;
    } else {
      out.emplace(std::move(value));
    }
  });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

}  // namespace givewatch::test
