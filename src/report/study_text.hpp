#pragma once
// Every word of the study report in English and Chinese, and numbers written the way each language writes
// them. Labels are looked up by key; sentences are fmt patterns with named arguments filled by the
// renderer. A key without a translation is a programming error caught by the tests (every key is checked
// in both languages).

#include <string>
#include <string_view>
#include <vector>

namespace equalis::report {

enum class Language { En, Zh };

// The text of `key` in `lang`; throws std::out_of_range for an unknown key.
const std::string& tr(std::string_view key, Language lang);
// Every key of the table (for the tests).
std::vector<std::string> text_keys();

// "1,234.5" (both languages); `decimals` after the point, trailing zeros kept.
std::string format_number(double value, int decimals, Language lang);
// A count of people: en "12,345"; zh "12,345" below 100,000 and "12.3万" from there.
std::string format_people(double people, Language lang);
// A share in [0, 1] as a percentage: en "18 %", zh "18%"; one decimal below 10 % (and never "0 %" for a
// share above zero: "< 0.1 %").
std::string format_percent(double share, Language lang);
// A value with about three significant digits ("0.123", "12.3", "1,234").
std::string format_value(double value, Language lang);

}  // namespace equalis::report
