#include "checks/basic_farmland.hpp"

#include "core/log.hpp"

namespace xiongguan::checks {

using core::cat;

ParcelReview BasicFarmlandCheck::prepareParcels(ReviewContext& ctx) const {
    const vector::VectorLayer& bf = ctx.layer("basic_farmland");
    const ControlLayer& farm = ctx.control("basic_farmland", [&]() { return controlFromLayer("basic farmland", bf); });
    const double eps = areaEpsilon();

    ParcelReview pr;
    pr.review = [&farm, eps](const Parcel& p, const GEOSGeometry* g, const vector::Envelope& env, Scratch& s,
                             RuleRow& row) {
        // The conflict geometry is only written for non-farm uses.
        Overlap o = farm.overlap(g, p.area_m2, env, s, p.use->group != raster::ClassGroup::Farmland);
        row.area_m2 = o.area_m2;
        if (o.area_m2 <= eps) {
            row.status = kPass;
            row.reason = o.touching.empty() ? "not on basic farmland"
                                            : "touches basic farmland only along its edge (zero area)";
            return;
        }
        using G = raster::ClassGroup;
        const G grp = p.use->group;
        if (grp == G::Farmland) {
            row.status = kPass;
            row.reason = cat("farm use ", p.use_code, " on basic farmland (", fmtArea(o.area_m2), " m2)");
            return;
        }
        row.status = kFail;
        row.wkb = polygonWkb(s.ctx, o.geom.get());
        const char* what = grp == G::Orchard  ? "orchard"
                           : grp == G::Forest ? "tree plantation"
                           : grp == G::Water  ? "pond or water"
                                              : "non-farm use";
        row.reason = cat(fmtArea(o.area_m2), " m2 of ", what, " (", p.use_code, " ", p.use->name,
                         ") on permanent basic farmland");
    };
    return pr;
}

} // namespace xiongguan::checks
