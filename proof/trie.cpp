#include "proof/trie.hpp"

#include <algorithm>

#include "core/keccak.hpp"
#include "proof/rlp.hpp"

namespace givewatch::proof {
namespace {

using Nibbles = std::vector<std::uint8_t>;

struct Item {
  Nibbles path;
  const core::Bytes* value;
};

Nibbles nibbles_of(core::ByteView key) {
  Nibbles out;
  out.reserve(key.size() * 2);
  for (auto b : key) {
    out.push_back(static_cast<std::uint8_t>(b >> 4));
    out.push_back(static_cast<std::uint8_t>(b & 0x0f));
  }
  return out;
}

/// Hex-prefix encoding of path[from, to): the flag nibble (2 for a leaf, +1 for an odd length),
/// padded with a zero nibble when the length is even.
core::Bytes hex_prefix(const Nibbles& path, std::size_t from, std::size_t to, bool leaf) {
  const std::size_t n = to - from;
  const std::uint8_t flag = static_cast<std::uint8_t>((leaf ? 2 : 0) + (n % 2));
  core::Bytes out;
  std::size_t i = from;
  if (n % 2) {
    out.push_back(static_cast<std::uint8_t>(flag << 4 | path[i++]));
  } else {
    out.push_back(static_cast<std::uint8_t>(flag << 4));
  }
  for (; i < to; i += 2) out.push_back(static_cast<std::uint8_t>(path[i] << 4 | path[i + 1]));
  return out;
}

class Builder {
 public:
  explicit Builder(std::optional<Nibbles> target) : target_(std::move(target)) {}

  /// The RLP of the node holding items[from, to), which share their first `depth` nibbles.
  core::Bytes node(const std::vector<Item>& items, std::size_t from, std::size_t to, std::size_t depth) {
    // Items in [from, to) share their first `depth` nibbles: the node is on the target's path when
    // the target starts with them too.
    const bool on_path = target_ && target_->size() >= depth &&
                         std::equal(items[from].path.begin(), items[from].path.begin() + static_cast<long>(depth),
                                    target_->begin());
    core::Bytes body;
    if (to - from == 1) {
      const Item& only = items[from];
      rlp::append_string(body, hex_prefix(only.path, depth, only.path.size(), true));
      rlp::append_string(body, *only.value);
    } else if (const std::size_t shared = common_prefix(items, from, to, depth); shared > 0) {
      rlp::append_string(body, hex_prefix(items[from].path, depth, depth + shared, false));
      append_reference(body, node(items, from, to, depth + shared));
    } else {
      const core::Bytes* value = nullptr;
      std::size_t i = from;
      if (items[i].path.size() == depth) value = items[i++].value;  // sorted: the key ending here comes first
      for (std::uint8_t nibble = 0; nibble < 16; ++nibble) {
        std::size_t end = i;
        while (end < to && items[end].path[depth] == nibble) ++end;
        if (end == i) {
          body.push_back(0x80);
        } else {
          append_reference(body, node(items, i, end, depth + 1));
        }
        i = end;
      }
      if (value) {
        rlp::append_string(body, *value);
      } else {
        body.push_back(0x80);
      }
    }
    core::Bytes encoded = rlp::list(body);
    if (on_path) path_.push_back(encoded);
    return encoded;
  }

  /// The nodes on the target's path, deepest first.
  std::vector<core::Bytes>& path() { return path_; }

 private:
  static std::size_t common_prefix(const std::vector<Item>& items, std::size_t from, std::size_t to,
                                   std::size_t depth) {
    // Sorted keys: the prefix of the first and the last is the prefix of all.
    const Nibbles& a = items[from].path;
    const Nibbles& b = items[to - 1].path;
    std::size_t n = 0;
    while (depth + n < a.size() && depth + n < b.size() && a[depth + n] == b[depth + n]) ++n;
    return n;
  }

  /// A child within its parent: itself when its RLP is shorter than 32 bytes, else its hash.
  static void append_reference(core::Bytes& body, const core::Bytes& child) {
    if (child.size() < 32) {
      body.insert(body.end(), child.begin(), child.end());
    } else {
      const core::Hash h = core::keccak256(child);
      rlp::append_string(body, h.bytes);
    }
  }

  std::optional<Nibbles> target_;
  std::vector<core::Bytes> path_;
};

}  // namespace

TrieProof build_trie(std::vector<TrieEntry> entries, std::optional<core::ByteView> key) {
  TrieProof out;
  if (entries.empty()) {
    const std::uint8_t empty_string = 0x80;
    out.root = core::keccak256(core::ByteView(&empty_string, 1));
    if (key) out.nodes.push_back(core::Bytes{empty_string});
    return out;
  }
  std::vector<Item> items;
  items.reserve(entries.size());
  for (const auto& e : entries) items.push_back(Item{nibbles_of(e.key), &e.value});
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.path < b.path; });
  Builder builder(key ? std::optional<Nibbles>(nibbles_of(*key)) : std::nullopt);
  const core::Bytes root = builder.node(items, 0, items.size(), 0);
  out.root = core::keccak256(root);
  // The root is listed whatever its size; below it, only the nodes referenced by hash.
  auto& path = builder.path();
  std::reverse(path.begin(), path.end());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i == 0 || path[i].size() >= 32) out.nodes.push_back(std::move(path[i]));
  }
  return out;
}

core::Bytes index_key(std::uint64_t i) {
  return rlp::uint(i);
}

TrieProof prove_index(std::span<const core::Bytes> values, std::size_t index) {
  std::vector<TrieEntry> entries;
  entries.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) entries.push_back(TrieEntry{index_key(i), values[i]});
  const core::Bytes key = index_key(index);
  return build_trie(std::move(entries), core::ByteView(key));
}

}  // namespace givewatch::proof
