#include "storage/codec.hpp"

#include <gtest/gtest.h>

#include "tests/storage/fixtures.hpp"

namespace givewatch::storage {
namespace {

TEST(Codec, DonationKeysSortInChainBlockLogOrder) {
  EXPECT_LT(codec::donation_key(1, 255, 9), codec::donation_key(1, 256, 0));
  EXPECT_LT(codec::donation_key(1, 256, 1), codec::donation_key(1, 256, 2));
  EXPECT_LT(codec::donation_key(1, UINT64_MAX, UINT32_MAX), codec::donation_key(2, 0, 0));
  EXPECT_EQ(codec::donation_key(0x0102, 0x0304, 0x05),
            std::string("\0\0\0\0\0\0\x01\x02\0\0\0\0\0\0\x03\x04\0\0\0\x05", 20));
}

TEST(Codec, CampaignIndexSortsNewestFirst) {
  auto older = test::donation(56, 10, 0, "rbb", 1);
  auto newer = test::donation(56, 11, 0, "rbb", 1);
  EXPECT_LT(codec::campaign_index_key(newer), codec::campaign_index_key(older));
  // A campaign id that extends another never interleaves with it.
  auto longer = test::donation(56, 10, 0, "rbb2", 1);
  const auto p = codec::campaign_prefix("rbb");
  EXPECT_NE(codec::campaign_index_key(longer).compare(0, p.size(), p), 0);
}

TEST(Codec, DonationRecordRoundTrips) {
  auto d = test::donation(1313161554, 123456789, 77, "memorial", core::kMaxAmount, 5, 6);
  d.status = Status::confirmed;
  auto back = codec::decode_donation(codec::encode(d));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, d);
}

TEST(Codec, DamagedRecordsAreErrorsNotCrashes) {
  const auto good = codec::encode(test::donation(56, 1, 0, "rbb", 5));
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    auto r = codec::decode_donation(std::string_view(good).substr(0, cut));
    ASSERT_FALSE(r) << cut;
    EXPECT_EQ(r.error().code, core::Errc::corrupt_record);
  }
  auto longer = codec::decode_donation(good + "x");
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().message,
            "stored donation record has " + std::to_string(good.size() + 1) +
                " bytes, which does not match its layout; the data directory is damaged");
  auto totals = codec::decode_totals("short");
  ASSERT_FALSE(totals);
  EXPECT_EQ(totals.error().code, core::Errc::corrupt_record);
}

}  // namespace
}  // namespace givewatch::storage
