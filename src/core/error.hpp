#pragma once
// The one error type of equalis. Every failure the library reports is an equalis::Error carrying an
// ErrorCode; the CLI maps the code to an exit status, a server would map it to an HTTP status.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace equalis {

enum class ErrorCode : std::uint8_t {
  InvalidInput,  // the input is well-formed but its content cannot be used (negative weight, …)
  Parse,         // the input could not be read as the expected format
  Io,            // a file could not be opened, read or written
  Infeasible,    // the model has no solution under the given constraints
  Unsupported,   // a valid request that this build or method cannot serve
  Cancelled,     // the user interrupted the work
  Internal,      // a bug in equalis
};

struct ErrorCodeInfo {
  ErrorCode code;
  std::string_view name;  // stable snake_case name used in JSON output
  int exit_status;        // process exit status used by the CLI
};

inline constexpr std::array<ErrorCodeInfo, 7> kErrorCodeTable{{
    {ErrorCode::InvalidInput, "invalid_input", 2},
    {ErrorCode::Parse, "parse_error", 3},
    {ErrorCode::Io, "io_error", 4},
    {ErrorCode::Infeasible, "infeasible", 5},
    {ErrorCode::Unsupported, "unsupported", 6},
    {ErrorCode::Cancelled, "cancelled", 130},
    {ErrorCode::Internal, "internal_error", 70},
}};
static_assert(kErrorCodeTable.size() == static_cast<std::size_t>(ErrorCode::Internal) + 1,
              "every ErrorCode needs a row in kErrorCodeTable");

constexpr const ErrorCodeInfo& error_code_info(ErrorCode code) {
  return kErrorCodeTable[static_cast<std::size_t>(code)];
}

// Where in an input file a problem sits. Lines and columns are 1-based; 0 means "not known".
struct SourceLocation {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;

  [[nodiscard]] std::string to_string() const;  // "file:line:column", omitting unknown parts
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string fix = {},
        std::optional<SourceLocation> where = std::nullopt);

  [[nodiscard]] ErrorCode code() const noexcept { return code_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  [[nodiscard]] const std::string& fix() const noexcept { return fix_; }
  [[nodiscard]] const std::optional<SourceLocation>& where() const noexcept { return where_; }

 private:
  static std::string compose(const std::string& message, const std::string& fix,
                             const std::optional<SourceLocation>& where);
  ErrorCode code_;
  std::string message_;
  std::string fix_;
  std::optional<SourceLocation> where_;
};

// A cell or token quoted in a message: at most ~60 characters (a 10 MB cell is not echoed whole), cut at
// a UTF-8 character boundary, with "…" and the full length when shortened.
std::string excerpt(std::string_view text);

// Library messages name the request field they are about in backticks (`radius`, `time_limit`), in
// neutral words; each front end respells the fields in its own words (a command-line flag, a study-file
// key) before showing the message. `spell` returns the front end's name of a field.
std::string respell_fields(std::string_view text, const std::function<std::string(std::string_view)>& spell);

// Programmer-error checks, on in Debug and sanitizer builds (EQUALIS_ENABLE_ASSERTIONS).
[[noreturn]] void assertion_failed(const char* expression, const char* file, int line);

}  // namespace equalis

#ifdef EQUALIS_ENABLE_ASSERTIONS
#define EQ_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::equalis::assertion_failed(#expr, __FILE__, __LINE__))
#else
#define EQ_ASSERT(expr) static_cast<void>(0)
#endif
