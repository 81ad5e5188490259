#pragma once
// Every problem of an input file with its place, so that a user fixes the file in one round instead of one
// error per run (a study file, a service catalogue). Thrown together as one Error(InvalidInput).

#include <cstddef>
#include <string>
#include <vector>

namespace equalis {

class Problems {
 public:
  // `source` names the file in messages; `what` names it in the summary line ("the catalogue").
  Problems(std::string source, std::string what) : source_(std::move(source)), what_(std::move(what)) {}

  // Line 0: a problem without a place (data given in memory, not read from a file).
  void add(std::size_t line, std::size_t column, std::string message, std::string fix);
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  // One problem: its own error at its place; several: one error listing each place (the first's place).
  void throw_if_any() const;

 private:
  struct Item {
    std::size_t line;
    std::size_t column;
    std::string message;
    std::string fix;
  };
  std::string source_;
  std::string what_;
  std::vector<Item> items_;
};

}  // namespace equalis
