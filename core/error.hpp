#pragma once

#include <boost/system/result.hpp>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace givewatch::core {

/// What kind of failure an Error is; callers branch on this, people read the message.
enum class Errc {
  bad_hex = 1,       ///< text that should be hex is not, or has the wrong length
  bad_checksum,      ///< a mixed-case address whose EIP-55 checksum does not match
  bad_number,        ///< a decimal string that is not a non-negative integer
  overflow,          ///< uint256 arithmetic left [0, 2^256)
  not_a_transfer,    ///< a log that is not an ERC-20 Transfer
  config,            ///< the configuration file is wrong
  storage,           ///< RocksDB reported an error
  schema_mismatch,   ///< the data directory was written by another schema version
  db_locked,         ///< another process holds the data directory
  corrupt_record,    ///< a stored record failed to decode
  invalid_argument,  ///< a caller passed something the callee cannot use
};

/// A failure with a message meant for a person: what was wrong, where, and what to do.
struct Error {
  Errc code;
  std::string message;
};

/// The return type of everything below the coroutine roots that can fail on bad input.
template <class T>
using Result = boost::system::result<T, Error>;

/// Thrown by Result<T>::value() on an error; carries the Error unchanged.
class Exception : public std::runtime_error {
 public:
  explicit Exception(Error e) : std::runtime_error(e.message), code_(e.code) {}
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

/// `text` in single quotes for an error message, cut after `max` characters with "..." so that a
/// huge bad input does not make a huge message.
std::string quoted(std::string_view text, std::size_t max);

/// Found by ADL from boost::system::result<T, Error>::value().
[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw Exception(e);
}

}  // namespace givewatch::core
