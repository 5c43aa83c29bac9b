#pragma once

#include <optional>
#include <vector>

#include "core/error.hpp"
#include "storage/store.hpp"
#include "storage/types.hpp"

namespace givewatch::chains {

/// What a watcher resumes from: the chain's cursor, the block hashes it kept, the address cursors.
struct ResumeState {
  std::optional<storage::ChainCursor> cursor;
  std::vector<storage::BlockRef> blocks;
  std::vector<storage::AddressCursor> addresses;
};

/// The narrow window a watcher has onto storage: read where it stood, write one step at a time.
class StepSink {
 public:
  virtual ~StepSink() = default;
  virtual core::Result<ResumeState> resume(std::uint64_t chain_id) = 0;
  virtual core::Result<storage::Applied> apply(const storage::Step& step) = 0;
};

/// The production sink: the RocksDB store.
class StoreSink final : public StepSink {
 public:
  explicit StoreSink(storage::Store& store) : store_(store) {}
  core::Result<ResumeState> resume(std::uint64_t chain_id) override;
  /// Writes the step, with a debug line before and after the write: tests read them to tell where a
  /// crash landed (a step begun and not written was cut inside).
  core::Result<storage::Applied> apply(const storage::Step& step) override;

 private:
  storage::Store& store_;
};

}  // namespace givewatch::chains
