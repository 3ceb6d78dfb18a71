#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace xiongguan::checks {

/// Version of the threshold table below; written into checks.json so that a result says which
/// numbers produced it. Bump it whenever a value, a source or a label changes.
inline constexpr const char* kThresholdTableVersion = "2026.1";

/// One number a rule uses, with where it comes from (DOMAIN.md labels: [S] sourced, [R] official
/// text as commonly quoted, [E] estimate, configurable).
struct Threshold {
    const char* key;      ///< stable key, e.g. "idle.fee_share"
    double value;         ///< the number, in `unit`
    const char* unit;     ///< "ratio", "years", "m", "m2"
    const char* standard; ///< the regulation or standard
    const char* edition;  ///< its edition / date in force
    const char* label;    ///< "[S]", "[R]" or "[E]"
    const char* meaning;  ///< one line: what the number does in the rule
};

/// The whole table, in a fixed order.
const std::vector<Threshold>& thresholds();

/// Value of a threshold by key. \throws std::logic_error for an unknown key (a programming error).
double threshold(std::string_view key);

/// The table as JSON (for checks.json), with the table version.
nlohmann::ordered_json thresholdsJson();

} // namespace xiongguan::checks
