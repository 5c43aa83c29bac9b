#include "core/keccak.hpp"

#include <bit>
#include <cstddef>
#include <cstring>
#include <utility>

namespace givewatch::core {
namespace {

using Lane = std::uint64_t;
using State = std::array<Lane, 25>;

/// Sponge rate of Keccak-256 in bytes: 1600 bits minus a 512-bit capacity.
constexpr std::size_t kRate = 136;
constexpr std::size_t kRateLanes = kRate / 8;

constexpr std::array<Lane, 24> kRoundConstants = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000, 0x000000000000808b,
    0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008a, 0x0000000000000088,
    0x0000000080008009, 0x000000008000000a, 0x000000008000808b, 0x800000000000008b, 0x8000000000008089,
    0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

/// Rho rotation offset of lane x + 5*y, derived as in the Keccak reference: walking
/// (x, y) -> (y, 2x + 3y) from (1, 0), step t rotates by (t + 1)(t + 2) / 2.
constexpr std::array<int, 25> kRho = [] {
  std::array<int, 25> rho{};
  std::size_t x = 1;
  std::size_t y = 0;
  for (std::size_t t = 0; t < 24; ++t) {
    rho[x + 5 * y] = static_cast<int>(((t + 1) * (t + 2) / 2) % 64);
    const std::size_t next_y = (2 * x + 3 * y) % 5;
    x = y;
    y = next_y;
  }
  return rho;
}();

/// Pi moves lane (x, y) to (y, 2x + 3y); this is the destination index of lane x + 5*y.
constexpr std::array<std::size_t, 25> kPi = [] {
  std::array<std::size_t, 25> pi{};
  for (std::size_t x = 0; x < 5; ++x) {
    for (std::size_t y = 0; y < 5; ++y) pi[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
  }
  return pi;
}();

/// The inverse of kPi: lane i after pi is lane kPiSource[i] before it.
constexpr std::array<std::size_t, 25> kPiSource = [] {
  std::array<std::size_t, 25> source{};
  for (std::size_t i = 0; i < 25; ++i) source[kPi[i]] = i;
  return source;
}();

static_assert(kRho[1] == 1 && kRho[2] == 62 && kRho[5] == 36 && kRho[24] == 14);
static_assert(kPi[1] == 10 && kPi[5] == 16 && kPi[24] == 4);

using Theta = std::array<Lane, 5>;

/// Output lane I of theta, rho and pi together: every index and rotation is a constant.
template <std::size_t I>
[[gnu::always_inline]] inline Lane theta_rho_pi(const State& a, const Theta& d) noexcept {
  constexpr std::size_t from = kPiSource[I];
  return std::rotl(a[from] ^ d[from % 5], kRho[from]);
}

/// Row Y of chi, fed straight from theta_rho_pi so only five permuted lanes are live at once.
template <std::size_t Y>
[[gnu::always_inline]] inline void chi_row(const State& a, State& e, const Theta& d) noexcept {
  const Lane b0 = theta_rho_pi<5 * Y + 0>(a, d);
  const Lane b1 = theta_rho_pi<5 * Y + 1>(a, d);
  const Lane b2 = theta_rho_pi<5 * Y + 2>(a, d);
  const Lane b3 = theta_rho_pi<5 * Y + 3>(a, d);
  const Lane b4 = theta_rho_pi<5 * Y + 4>(a, d);
  e[5 * Y + 0] = b0 ^ (~b1 & b2);
  e[5 * Y + 1] = b1 ^ (~b2 & b3);
  e[5 * Y + 2] = b2 ^ (~b3 & b4);
  e[5 * Y + 3] = b3 ^ (~b4 & b0);
  e[5 * Y + 4] = b4 ^ (~b0 & b1);
}

/// One full round from `a` into `e`. Writing into a second state (and back on the next round)
/// avoids a temporary 25-lane array for pi; g++ unrolls all of it, leaving only the round loop.
[[gnu::always_inline]] inline void keccak_round(const State& a, State& e, Lane round_constant) noexcept {
  const Lane c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
  const Lane c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
  const Lane c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
  const Lane c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
  const Lane c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
  const Theta d = {
      c4 ^ std::rotl(c1, 1), c0 ^ std::rotl(c2, 1), c1 ^ std::rotl(c3, 1),
      c2 ^ std::rotl(c4, 1), c3 ^ std::rotl(c0, 1),
  };
  chi_row<0>(a, e, d);
  chi_row<1>(a, e, d);
  chi_row<2>(a, e, d);
  chi_row<3>(a, e, d);
  chi_row<4>(a, e, d);
  e[0] ^= round_constant;
}

/// The 24 rounds on a local copy, two at a time so the result ends up back in `state`.
[[gnu::always_inline]] inline void permute(State& state) noexcept {
  State a = state;
  State e;
  for (std::size_t round = 0; round < kRoundConstants.size(); round += 2) {
    keccak_round(a, e, kRoundConstants[round]);
    keccak_round(e, a, kRoundConstants[round + 1]);
  }
  state = a;
}

inline Lane load_le(const std::uint8_t* p) noexcept {
  Lane lane;
  std::memcpy(&lane, p, sizeof lane);
  if constexpr (std::endian::native == std::endian::big) lane = __builtin_bswap64(lane);
  return lane;
}

inline void store_le(std::uint8_t* p, Lane lane) noexcept {
  if constexpr (std::endian::native == std::endian::big) lane = __builtin_bswap64(lane);
  std::memcpy(p, &lane, sizeof lane);
}

template <std::size_t... I>
[[gnu::always_inline]] inline void absorb_block(State& state, const std::uint8_t* block,
                                                std::index_sequence<I...>) noexcept {
  ((state[I] ^= load_le(block + 8 * I)), ...);
}

}  // namespace

void keccak_f1600(std::array<std::uint64_t, 25>& state) noexcept {
  permute(state);
}

Hash keccak256(ByteView data) noexcept {
  State state{};
  const std::uint8_t* p = data.data();
  std::size_t left = data.size();
  for (; left >= kRate; left -= kRate, p += kRate) {
    absorb_block(state, p, std::make_index_sequence<kRateLanes>{});
    permute(state);
  }

  std::array<std::uint8_t, kRate> last{};
  if (left != 0) std::memcpy(last.data(), p, left);
  last[left] ^= 0x01;
  last[kRate - 1] ^= 0x80;
  absorb_block(state, last.data(), std::make_index_sequence<kRateLanes>{});
  permute(state);

  Hash out;
  for (std::size_t i = 0; i < 4; ++i) store_le(out.bytes.data() + 8 * i, state[i]);
  return out;
}

Hash keccak256(std::string_view text) noexcept {
  return keccak256(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace givewatch::core
