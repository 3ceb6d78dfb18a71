#pragma once

#include "checks/review.hpp"

namespace xiongguan::checks {

/// Great Wall (and other heritage features of the `heritage` layer): a parcel crossing a wall
/// line fails; inside a feature's protection range (buffer of protection_m) fails; inside its
/// construction-control zone (a further control_m) fails above the feature's height limit and
/// otherwise needs approval (height == limit needs approval). Widths and limits per feature,
/// defaults from the threshold table when a value is empty. area_m2 = parcel area inside the
/// protection range or control zone of any feature (buffer of protection_m + control_m).
class GreatWallCheck : public Check {
  public:
    static constexpr const char* kName = "checks.great_wall";
    static constexpr const char* kDescription =
        "crossing the wall or building in its protection range fails; in the control zone above the height limit fails, "
        "otherwise needs approval";
    const char* name() const override { return kName; }
    const char* description() const override { return kDescription; }
    std::vector<std::string> roles() const override { return {"heritage"}; }
    bool reviewsParcels() const override { return true; }
    ParcelReview prepareParcels(ReviewContext& ctx) const override;
};

/// Per-feature widths and limits of the heritage layer, defaults applied.
struct HeritageZones {
    std::vector<double> protection_m, control_m, height_limit_m;
    std::vector<std::string> label; ///< feature_id / name for reasons
    std::vector<char> is_wall;      ///< kind == wall
};
/// Reads the heritage layer's fields. \throws InputError for a negative or non-numeric width.
HeritageZones readHeritageZones(ReviewContext& ctx);

} // namespace xiongguan::checks
