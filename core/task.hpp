#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace givewatch {

/// Every asynchronous operation in givewatch is a C++20 coroutine on a Boost.Asio executor.
template <class T>
using Task = boost::asio::awaitable<T, boost::asio::any_io_executor>;

}  // namespace givewatch
