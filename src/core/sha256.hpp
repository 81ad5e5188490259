#pragma once
// SHA-256 (FIPS 180-4, "Secure Hash Standard", 2015) so a report can name the exact input it read (audit
// logs, study inputs, cache keys). Incremental: feed bytes with update(), read the 64-hex-digit digest with
// hex_digest().

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace equalis {

class Sha256 {
 public:
  Sha256() noexcept;
  void update(std::string_view bytes) noexcept;
  void update(const unsigned char* bytes, std::size_t size) noexcept;
  // Finishes the hash; the object must not be updated afterwards.
  [[nodiscard]] std::array<std::uint8_t, 32> digest() noexcept;
  [[nodiscard]] std::string hex_digest();

  // The rounds run on the x86 SHA extensions where the processor has them (same digest, 5–6× faster).
  // For tests: turn them off (or on again) for every hash computed afterwards in this process.
  static void use_hardware_rounds(bool allowed) noexcept;
  [[nodiscard]] static bool hardware_rounds_available() noexcept;

 private:
  void compress(const std::uint8_t* block) noexcept;
  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

// Hex SHA-256 of a string / of a whole file (throws Error(Io) if the file cannot be read).
[[nodiscard]] std::string sha256_hex(std::string_view bytes);
[[nodiscard]] std::string sha256_file_hex(const std::string& path);

}  // namespace equalis
