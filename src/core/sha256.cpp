#include "core/sha256.hpp"

#include "core/error.hpp"
#include "core/input_file.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace equalis {

namespace {

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
constexpr std::array<std::uint32_t, 64> kRound{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, unsigned n) noexcept {
  return (x >> n) | (x << (32U - n));
}

// FIPS 180-4 §6.2.2 step 1: the message schedule of one 64-byte block.
std::array<std::uint32_t, 64> message_schedule(const std::uint8_t* block) noexcept {
  std::array<std::uint32_t, 64> w{};
  for (std::size_t t = 0; t < 16; ++t) {
    w[t] = (static_cast<std::uint32_t>(block[4 * t]) << 24U) |
           (static_cast<std::uint32_t>(block[4 * t + 1]) << 16U) |
           (static_cast<std::uint32_t>(block[4 * t + 2]) << 8U) |
           static_cast<std::uint32_t>(block[4 * t + 3]);
  }
  for (std::size_t t = 16; t < 64; ++t) {
    const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3U);
    const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10U);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  return w;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The 64 rounds with the x86 SHA extensions (two rounds per SHA256RNDS2). The instruction keeps the
// working variables in two registers, A B E F and C D G H (lane 3 down to lane 0), so the state is
// rearranged on the way in and back on the way out. Reading a 276 MB audit log this is 5–6× the plain
// rounds, and the hash no longer costs more than the parse it runs beside.
__attribute__((target("sha,sse4.1"))) void hardware_rounds(std::array<std::uint32_t, 8>& state,
                                                           const std::array<std::uint32_t, 64>& w) noexcept {
  const __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data()));
  const __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data() + 4));
  const __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);     // lanes F E B A
  __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);  // lanes H G D C
  const __m128i abef_before = abef;
  const __m128i cdgh_before = cdgh;
  for (std::size_t t = 0; t < 64; t += 4) {
    __m128i wk = _mm_add_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w.data() + t)),
                               _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRound.data() + t)));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);  // rounds t, t+1: now A B E F; the old one is C D G H
    wk = _mm_shuffle_epi32(wk, 0x0E);              // W+K of rounds t+2, t+3 into the low lanes
    abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
  }
  abef = _mm_add_epi32(abef, abef_before);
  cdgh = _mm_add_epi32(cdgh, cdgh_before);
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);  // lanes A B E F
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);  // lanes G H C D
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data() + 4), _mm_alignr_epi8(dchg, feba, 8));
}

bool cpu_has_sha_extensions() noexcept {
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool sha = ((ebx >> 29U) & 1U) != 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool sse41 = ((ecx >> 19U) & 1U) != 0;
  return sha && sse41;
}
#else
bool cpu_has_sha_extensions() noexcept {
  return false;
}
#endif

std::atomic<bool>& hardware_allowed() noexcept {
  static std::atomic<bool> allowed{true};
  return allowed;
}

bool use_hardware() noexcept {
  static const bool available = cpu_has_sha_extensions();
  return available && hardware_allowed();
}

}  // namespace

void Sha256::use_hardware_rounds(bool allowed) noexcept {
  hardware_allowed() = allowed;
}

bool Sha256::hardware_rounds_available() noexcept {
  return cpu_has_sha_extensions();
}

Sha256::Sha256() noexcept
    : state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {
}

void Sha256::compress(const std::uint8_t* block) noexcept {
  const std::array<std::uint32_t, 64> w = message_schedule(block);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (use_hardware()) {
    hardware_rounds(state_, w);
    return;
  }
#endif
  auto [a, b, c, d, e, f, g, h] = state_;
  for (std::size_t t = 0; t < 64; ++t) {
    const std::uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const std::uint32_t choose = (e & f) ^ (~e & g);
    const std::uint32_t t1 = h + big_s1 + choose + kRound[t] + w[t];
    const std::uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    const std::uint32_t t2 = big_s0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
  state_[5] += f;
  state_[6] += g;
  state_[7] += h;
}

void Sha256::update(const unsigned char* bytes, std::size_t size) noexcept {
  total_bytes_ += size;
  while (size > 0) {
    if (buffered_ == 0 && size >= 64) {
      compress(bytes);
      bytes += 64;
      size -= 64;
      continue;
    }
    const std::size_t take = std::min(size, 64 - buffered_);
    std::memcpy(buffer_.data() + buffered_, bytes, take);
    buffered_ += take;
    bytes += take;
    size -= take;
    if (buffered_ == 64) {
      compress(buffer_.data());
      buffered_ = 0;
    }
  }
}

void Sha256::update(std::string_view bytes) noexcept {
  update(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::array<std::uint8_t, 32> Sha256::digest() noexcept {
  // FIPS 180-4 §5.1.1: append 0x80, zeros to 56 mod 64, then the message length in bits (big-endian).
  const std::uint64_t bit_length = total_bytes_ * 8U;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > 56) {
    std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_), buffer_.end(), std::uint8_t{0});
    compress(buffer_.data());
    buffered_ = 0;
  }
  std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_), buffer_.begin() + 56, std::uint8_t{0});
  for (std::size_t i = 0; i < 8; ++i) {
    buffer_[56 + i] = static_cast<std::uint8_t>(bit_length >> (56U - 8U * i));
  }
  compress(buffer_.data());
  buffered_ = 0;
  std::array<std::uint8_t, 32> out{};
  for (std::size_t i = 0; i < 8; ++i) {
    for (std::size_t j = 0; j < 4; ++j)
      out[4 * i + j] = static_cast<std::uint8_t>(state_[i] >> (24U - 8U * j));
  }
  return out;
}

std::string Sha256::hex_digest() {
  std::string text;
  text.reserve(64);
  for (const std::uint8_t byte : digest()) text += fmt::format("{:02x}", byte);
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

std::string sha256_file_hex(const std::string& path) {
  require_input_file(path);
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    throw Error(ErrorCode::Io, fmt::format("cannot open '{}' to hash it", path),
                "check the path and permissions");
  }
  Sha256 hash;
  std::vector<unsigned char> block(1U << 20U);
  std::size_t got = 0;
  while ((got = std::fread(block.data(), 1, block.size(), file.get())) > 0) hash.update(block.data(), got);
  if (std::ferror(file.get()) != 0) {
    throw Error(ErrorCode::Io, fmt::format("error while reading '{}'", path), "check the file");
  }
  return hash.hex_digest();
}

}  // namespace equalis
