#include "checks/development_boundary.hpp"

#include "checks/thresholds.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"


namespace xiongguan::checks {

using core::cat;

namespace {
enum Zone : int { Concentrated = 0, Flexible = 1, Special = 2 };

std::vector<int> readZones(ReviewContext& ctx) {
    const vector::VectorLayer& l = ctx.layer("development_boundary");
    const int f = l.requireField(ctx.study().layer("development_boundary").field("zone"));
    std::vector<int> zones(l.features.size(), Special);
    for (size_t i = 0; i < l.features.size(); ++i) {
        const std::string z = normalized(l.value(i, f));
        if (z == "concentrated") zones[i] = Concentrated;
        else if (z == "flexible") zones[i] = Flexible;
        else if (z == "special") zones[i] = Special;
        else
            throw InputError(cat(l.path, ": development_boundary feature ", l.features[i].fid, " has zone '",
                                 l.value(i, f).value_or(""), "'; expected concentrated, flexible or special"));
    }
    return zones;
}
} // namespace

ParcelReview DevelopmentBoundaryCheck::prepareParcels(ReviewContext& ctx) const {
    std::vector<int> zones = readZones(ctx);
    const vector::VectorLayer& dev = ctx.layer("development_boundary");
    const ControlLayer& conc = ctx.control("development_boundary.concentrated", [&]() {
        return controlFromLayer("concentrated zone", dev, [&](size_t i) { return zones[i] == Concentrated; });
    });
    const ControlLayer& flex = ctx.control("development_boundary.flexible", [&]() {
        return controlFromLayer("flexible zone", dev, [&](size_t i) { return zones[i] == Flexible; });
    });
    const double eps = areaEpsilon();

    ParcelReview pr;
    pr.review = [&conc, &flex, eps](const Parcel& p, const GEOSGeometry* g, const vector::Envelope& env, Scratch& s,
                                    RuleRow& row) {
        // The inside part is only needed to cut out the outside part of urban construction parcels.
        Overlap in = conc.overlap(g, p.area_m2, env, s, p.use->urban_construction);
        const double outside = std::max(0.0, p.area_m2 - in.area_m2);
        row.area_m2 = outside;
        if (!p.use->urban_construction) {
            row.status = kPass;
            row.reason = cat("use ", p.use_code, " is not urban construction land (", fmtArea(outside),
                             " m2 outside the concentrated zone)");
            return;
        }
        if (outside <= eps) {
            row.status = kPass;
            row.reason = "urban construction inside the concentrated zone";
            return;
        }
        vector::GeomPtr out_geom = in.geom ? vector::difference(s.ctx, g, in.geom.get()) : vector::clone(s.ctx, g);
        out_geom = vector::polygonalPart(s.ctx, out_geom.get());
        const vector::Envelope out_env = vector::envelope(s.ctx, out_geom.get());
        const double out_area = vector::area(s.ctx, out_geom.get());
        Overlap fx = flex.overlap(out_geom.get(), out_area, out_env, s, false);
        const double beyond = std::max(0.0, out_area - fx.area_m2);
        row.wkb = polygonWkb(s.ctx, out_geom.get());
        if (beyond <= eps) {
            row.status = kNeedsApproval;
            row.reason = cat("urban construction: ", fmtArea(outside), " m2 outside the concentrated zone, all of it in the "
                             "flexible zone (needs approval)");
        } else {
            row.status = kFail;
            row.reason = cat("urban construction: ", fmtArea(outside), " m2 outside the concentrated zone, ",
                             fmtArea(beyond), " m2 of it outside the flexible zone too");
        }
    };

    // The boundary as a whole: total vs 1.3x current urban construction land; flexible vs 15 %.
    pr.finish = [&ctx, &dev, zones = std::move(zones)](RuleResult& res) {
    vector::Context& c = vector::threadContext();
    double zone_m2[3] = {0, 0, 0};
    for (size_t i = 0; i < dev.features.size(); ++i) {
        if (dev.features[i].wkb.empty()) continue;
        zone_m2[zones[i]] += vector::area(c, vector::fromWkb(c, dev.features[i].wkb).get());
    }
    const std::vector<std::uint64_t>& counts = ctx.landuseCounts();
    std::uint64_t urban_cells = 0;
    for (const auto& r : ctx.study().classes.rows())
        if (r.urban_construction) urban_cells += counts[r.value];
    const double urban_m2 = static_cast<double>(urban_cells) * ctx.study().grid.cellArea_m2();
    const double total_m2 = zone_m2[0] + zone_m2[1] + zone_m2[2];
    const double max_ratio = threshold("boundary.max_ratio_to_urban_land");
    const double max_flex = threshold("boundary.max_flexible_share");
    const double ratio = urban_m2 > 0 ? total_m2 / urban_m2 : 0.0;
    const double flex_share = zone_m2[0] > 0 ? zone_m2[1] / zone_m2[0] : 0.0;
    res.extra["boundary_totals"] = {
        {"concentrated_m2", zone_m2[0]},
        {"flexible_m2", zone_m2[1]},
        {"special_m2", zone_m2[2]},
        {"boundary_total_m2", total_m2},
        {"urban_construction_m2", urban_m2},
        {"landuse_year", ctx.landuseYear()},
        {"ratio_to_urban_land", ratio},
        {"max_ratio", max_ratio},
        {"ratio_status", urban_m2 > 0 && ratio <= max_ratio ? kPass : kFail},
        {"flexible_share_of_concentrated", flex_share},
        {"max_flexible_share", max_flex},
        {"flexible_status", flex_share <= max_flex ? kPass : kFail},
    };
    };
    return pr;
}

} // namespace xiongguan::checks
