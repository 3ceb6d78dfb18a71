#pragma once

#include <optional>
#include <string>

namespace xiongguan::checks {

/// A calendar date (proleptic Gregorian).
struct Date {
    int year = 0, month = 0, day = 0;
    auto operator<=>(const Date&) const = default;
    std::string str() const;
};

/// Parses strictly "YYYY-MM-DD" (a real calendar day); nullopt otherwise.
std::optional<Date> parseDate(const std::string& text);

/// The same day `years` later; 29 February goes to 28 February in a common year (Civil Code
/// art. 202: a period without the corresponding day ends on the last day of that month).
Date addYears(const Date& d, int years);

/// Whole years from `from` to `to` (0 when `to` < the first anniversary; negative never).
/// The anniversary day itself counts: fullYears(2019-03-01, 2020-03-01) == 1.
int fullYears(const Date& from, const Date& to);

} // namespace xiongguan::checks
