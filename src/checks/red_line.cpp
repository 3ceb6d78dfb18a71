#include "checks/red_line.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"

#include <algorithm>

namespace xiongguan::checks {

using core::cat;

bool RedLineCheck::allowedWithApproval(const std::string& activity) {
    static const std::vector<std::string> allowed = {"research",      "residents_existing",    "heritage_work",
                                                     "tourism_low_impact", "linear_infrastructure", "ecological_restoration",
                                                     "defence"};
    return std::find(allowed.begin(), allowed.end(), activity) != allowed.end();
}

ParcelReview RedLineCheck::prepareParcels(ReviewContext& ctx) const {
    const vector::VectorLayer& rl = ctx.layer("ecological_redline");
    const io::LayerSpec& spec = ctx.study().layer("ecological_redline");
    const int f_tier = rl.requireField(spec.field("tier"));
    const int f_name = rl.fieldIndex(spec.field("name"));
    std::vector<char> core_tier(rl.features.size(), 0);
    for (size_t i = 0; i < rl.features.size(); ++i) {
        const std::string t = normalized(rl.value(i, f_tier));
        if (t == "core") core_tier[i] = 1;
        else if (t != "general")
            throw InputError(cat(rl.path, ": ecological_redline feature ", rl.features[i].fid, " has tier '",
                                 rl.value(i, f_tier).value_or(""), "'; expected core or general"));
    }
    const ControlLayer& red = ctx.control("ecological_redline", [&]() { return controlFromLayer("red line", rl); });
    auto label = [&red, &rl, f_name](size_t member) {
        const size_t src = red.source(member);
        auto n = rl.value(src, f_name);
        return n && !n->empty() ? *n : cat("fid ", rl.features[src].fid);
    };
    const double eps = areaEpsilon();

    ParcelReview pr;
    pr.review = [&red, core_tier = std::move(core_tier), label, eps](const Parcel& p, const GEOSGeometry* g,
                                                                     const vector::Envelope& env, Scratch& s, RuleRow& row) {
        Overlap o = red.overlap(g, p.area_m2, env, s, true);
        row.area_m2 = o.area_m2;
        if (o.area_m2 <= eps) {
            row.status = kPass;
            row.reason = o.touching.empty() ? "outside the ecological red line"
                                            : "touches the ecological red line only along its edge (zero area)";
            return;
        }
        row.wkb = polygonWkb(s.ctx, o.geom.get());
        // Core-tier overlap: the members' own areas when all are core, else an overlay of the core ones.
        bool any_core = false, all_core = true;
        size_t first_core = 0;
        for (size_t m : o.members) {
            if (core_tier[red.source(m)]) {
                if (!any_core) first_core = m;
                any_core = true;
            } else {
                all_core = false;
            }
        }
        double core_m2 = 0.0;
        if (any_core)
            core_m2 = all_core ? o.area_m2
                               : red.overlap(g, p.area_m2, env, s, false, [&](size_t m) { return core_tier[red.source(m)] != 0; })
                                     .area_m2;
        const std::string act = p.activity.empty() ? std::string("(none)") : p.activity;
        if (core_m2 > eps) {
            row.status = kFail;
            row.reason = cat(fmtArea(core_m2), " m2 in the core zone of '", label(first_core),
                             "': any activity is forbidden (activity ", act, ")");
        } else if (RedLineCheck::allowedWithApproval(p.activity)) {
            row.status = kNeedsApproval;
            row.reason = cat(fmtArea(o.area_m2), " m2 in the general zone of '", label(o.members.front()), "': activity ",
                             act, " is allowed with approval");
        } else {
            row.status = kFail;
            row.reason = cat(fmtArea(o.area_m2), " m2 in the ecological red line ('", label(o.members.front()),
                             "'): activity ", act, " is forbidden there");
        }
    };
    return pr;
}

} // namespace xiongguan::checks
