// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "Examples with intermediate values").

#include "core/sha256.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis {
namespace {

TEST(Sha256, EmptyMessage) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, OneBlockMessageAbc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAsFedInPieces) {
  // FIPS 180-2 appendix B.3: one million 'a'; fed in uneven pieces to exercise the buffering.
  Sha256 hash;
  const std::string piece(997, 'a');
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t take = std::min(left, piece.size());
    hash.update(std::string_view(piece).substr(0, take));
    left -= take;
  }
  EXPECT_EQ(hash.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FiftyFiveAndFiftySixBytesPadCorrectly) {
  // Lengths at the padding boundary (55 fits one block, 56 needs two); values from Python's hashlib.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

}  // namespace
// The hardware rounds (x86 SHA extensions, where the processor has them) and the plain rounds give the
// same digest on every length around the block and padding boundaries and on long random inputs.
TEST(Sha256, HardwareAndPlainRoundsAgree) {
  if (!Sha256::hardware_rounds_available()) GTEST_SKIP() << "no SHA extensions on this processor";
  std::string bytes;
  std::uint64_t state = 88172645463325252ULL;
  for (std::size_t i = 0; i < 5000; ++i) {
    state ^= state << 13U;
    state ^= state >> 7U;
    state ^= state << 17U;
    bytes.push_back(static_cast<char>(state & 0xFFU));
  }
  for (const std::size_t length :
       {0UL, 1UL, 3UL, 55UL, 56UL, 63UL, 64UL, 65UL, 119UL, 120UL, 128UL, 1000UL, 5000UL}) {
    const std::string_view text(bytes.data(), length);
    Sha256::use_hardware_rounds(true);
    const std::string hardware = sha256_hex(text);
    Sha256::use_hardware_rounds(false);
    const std::string plain = sha256_hex(text);
    Sha256::use_hardware_rounds(true);
    EXPECT_EQ(hardware, plain) << length;
  }
  Sha256::use_hardware_rounds(false);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256::use_hardware_rounds(true);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace equalis
