#pragma once

#include "checks/review.hpp"

namespace xiongguan::checks {

/// Ecological protection red line: any overlap with a core-tier polygon fails; in the general
/// tier, activities on the allowed list (DOMAIN.md §2) need approval and everything else
/// (construction, farming, no activity) fails. area_m2 = parcel area inside the red line.
class RedLineCheck : public Check {
  public:
    static constexpr const char* kName = "checks.red_line";
    static constexpr const char* kDescription =
        "construction in the ecological red line fails; any activity in a core zone fails; allowed activities need approval";
    const char* name() const override { return kName; }
    const char* description() const override { return kDescription; }
    std::vector<std::string> roles() const override { return {"ecological_redline"}; }
    bool reviewsParcels() const override { return true; }
    ParcelReview prepareParcels(ReviewContext& ctx) const override;

    /// Activities allowed with approval in the general tier.
    static bool allowedWithApproval(const std::string& activity);
};

} // namespace xiongguan::checks
