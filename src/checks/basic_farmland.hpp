#pragma once

#include "checks/review.hpp"

namespace xiongguan::checks {

/// Permanent basic farmland: any use other than the farmland group (non-farm use, orchard, tree
/// plantation, pond, facilities) on it fails. area_m2 = parcel area on basic farmland.
class BasicFarmlandCheck : public Check {
  public:
    static constexpr const char* kName = "checks.basic_farmland";
    static constexpr const char* kDescription =
        "any non-farm use, orchard, plantation or pond on permanent basic farmland fails";
    const char* name() const override { return kName; }
    const char* description() const override { return kDescription; }
    std::vector<std::string> roles() const override { return {"basic_farmland"}; }
    bool reviewsParcels() const override { return true; }
    ParcelReview prepareParcels(ReviewContext& ctx) const override;
};

} // namespace xiongguan::checks
