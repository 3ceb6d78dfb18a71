#pragma once

#include "checks/review.hpp"

namespace xiongguan::checks {

/// Urban development boundary: urban construction use outside the concentrated construction zone
/// fails, outside it but inside the flexible zone needs approval; the boundary's total is checked
/// against 1.3x the current urban construction land and the flexible zone against 15 % of the
/// concentrated zone. area_m2 = parcel area outside the concentrated zone (every parcel).
class DevelopmentBoundaryCheck : public Check {
  public:
    static constexpr const char* kName = "checks.development_boundary";
    static constexpr const char* kDescription =
        "urban construction use outside the concentrated zone fails; in the flexible zone needs approval";
    const char* name() const override { return kName; }
    const char* description() const override { return kDescription; }
    std::vector<std::string> roles() const override { return {"development_boundary"}; }
    bool reviewsParcels() const override { return true; }
    ParcelReview prepareParcels(ReviewContext& ctx) const override;
};

} // namespace xiongguan::checks
