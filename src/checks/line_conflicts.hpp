#pragma once

#include "checks/review.hpp"

namespace xiongguan::checks {

/// Conflicts between the control lines themselves: development boundary ∩ basic farmland,
/// development boundary ∩ red line, basic farmland ∩ red line, one overlap polygon per pair of
/// features with its area (zero-area contacts are not reported). Pairs whose layers the study
/// lacks are skipped and reported.
class LineConflictsCheck : public Check {
  public:
    static constexpr const char* kName = "checks.line_conflicts";
    static constexpr const char* kDescription =
        "overlaps between development boundary, basic farmland and ecological red line, as polygons with area";
    const char* name() const override { return kName; }
    const char* description() const override { return kDescription; }
    std::vector<std::string> roles() const override { return {}; }
    bool reviewsParcels() const override { return false; }
    RuleResult run(ReviewContext& ctx) const override;
};

} // namespace xiongguan::checks
