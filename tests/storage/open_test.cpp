#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/codec.hpp"
#include "storage/store.hpp"
#include "tests/storage/fixtures.hpp"

namespace givewatch::storage {
namespace {

using test::TempDir;

TEST(StoreOpen, CreatesTheDirectoryAndRecordsTheSchemaVersion) {
  TempDir dir;
  const auto path = dir.path() / "nested" / "data";
  { ASSERT_TRUE(Store::open(path)); }
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::Options{}, path.string(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string version;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions{}, "schema_version", &version).ok());
  EXPECT_EQ(version, codec::encode_u64(kSchemaVersion));
}

TEST(StoreOpen, AnotherSchemaVersionIsAClearError) {
  TempDir dir;
  { ASSERT_TRUE(Store::open(dir.path())); }
  {
    // Rewrite the version as a future release would.
    rocksdb::DB* raw = nullptr;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::Options{}, dir.path().string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options{}, dir.path().string(), descriptors, &handles, &raw).ok());
    ASSERT_TRUE(
        raw->Put(rocksdb::WriteOptions{}, "schema_version", codec::encode_u64(kSchemaVersion + 1)).ok());
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  auto s = Store::open(dir.path());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::Errc::schema_mismatch);
  EXPECT_EQ(s.error().message,
            "storage: data directory '" + dir.path().string() +
                "' has schema version 2 but this givewatch reads version 1; use the givewatch "
                "release that wrote it, or index into an empty directory");
}

TEST(StoreOpen, ADirectoryHeldByThisProcessIsRefused) {
  TempDir dir;
  auto first = Store::open(dir.path());
  ASSERT_TRUE(first);
  auto second = Store::open(dir.path());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, core::Errc::db_locked);
  EXPECT_EQ(second.error().message.rfind("storage: data directory '" + dir.path().string() +
                                             "' is in use by another process (another givewatch running?)",
                                         0),
            0u)
      << second.error().message;
}

TEST(StoreOpen, ADirectoryHeldByAnotherProcessIsRefused) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = Store::open(dir.path());
    const char c = store ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    pause();  // hold the directory until killed
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto s = Store::open(dir.path());
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::Errc::db_locked);
  // Once the holder is gone the directory opens again.
  EXPECT_TRUE(Store::open(dir.path()));
}

TEST(StoreOpen, AReadOnlyViewOpensBesideTheWriterAndRefusesSteps) {
  TempDir dir;
  auto writer = test::open_store(dir.path());
  Step step;
  step.chain_id = 56;
  step.donations = {test::donation(56, 3, 0, "rbb", 42)};
  ASSERT_TRUE(writer->apply(step));

  auto view = Store::open(dir.path(), Options{.read_only = true});
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ((*view)->totals("rbb")->tokens.at(0).pending_amount, 42);
  auto refused = (*view)->apply(step);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "storage: the store was opened read-only; steps are not written");

  TempDir empty;
  EXPECT_FALSE(Store::open(empty.path() / "nothing", Options{.read_only = true}));
}

}  // namespace
}  // namespace givewatch::storage
