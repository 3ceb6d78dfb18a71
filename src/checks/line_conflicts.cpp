#include "checks/line_conflicts.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"

namespace xiongguan::checks {

using core::cat;

namespace {
struct Side {
    std::string role;
    std::string attr_field; // zone / tier / name
};

std::string featureId(const vector::VectorLayer& l, size_t i) {
    for (const char* f : {"name", "zone_id", "id"}) {
        int fi = l.fieldIndex(f);
        auto v = l.value(i, fi);
        if (v && !v->empty()) return cat("fid ", l.features[i].fid, " ", *v);
    }
    return cat("fid ", l.features[i].fid);
}
} // namespace

RuleResult LineConflictsCheck::run(ReviewContext& ctx) const {
    RuleResult res;
    res.rule = kName;
    const std::pair<Side, Side> pairs[] = {
        {{"development_boundary", "zone"}, {"basic_farmland", "name"}},
        {{"development_boundary", "zone"}, {"ecological_redline", "tier"}},
        {{"basic_farmland", "name"}, {"ecological_redline", "tier"}},
    };
    const double eps = areaEpsilon();
    auto per_pair = nlohmann::ordered_json::array();
    for (const auto& [a, b] : pairs) {
        const std::string pair_name = a.role + " x " + b.role;
        if (!ctx.study().has(a.role) || !ctx.study().has(b.role)) {
            ctx.findings.push_back({"line_conflicts.skipped", pair_name,
                                    cat(ctx.study().path, ": no '", ctx.study().has(a.role) ? b.role : a.role,
                                        "' layer; the pair ", pair_name, " is not checked")});
            per_pair.push_back({{"pair", pair_name}, {"skipped", true}});
            continue;
        }
        const vector::VectorLayer& la = ctx.layer(a.role);
        const vector::VectorLayer& lb = ctx.layer(b.role);
        const ControlLayer& ca = ctx.control(a.role, [&]() { return controlFromLayer(a.role, la); });
        const ControlLayer& cb = ctx.control(b.role, [&]() { return controlFromLayer(b.role, lb); });
        const int fa = la.fieldIndex(ctx.study().layer(a.role).field(a.attr_field));
        const int fb = lb.fieldIndex(ctx.study().layer(b.role).field(b.attr_field));
        std::vector<std::vector<ConflictRow>> found(ca.size());
        forEachParallel(ca.size(), ctx.scratch(), pair_name, [&](size_t i, Scratch& s) {
            const auto& ga = ca.get(i, s);
            for (size_t j : cb.candidates(ca.env(i))) {
                const auto& gb = cb.get(j, s);
                const char meets = GEOSPreparedIntersects_r(s.ctx.handle(), gb.prepared.get(), ga.geom.get());
                if (meets == 2) throw GeometryError(cat("GEOS intersects failed in ", pair_name, ": ", s.ctx.lastError()));
                if (!meets) continue;
                vector::GeomPtr piece = vector::polygonalPart(s.ctx, vector::intersection(s.ctx, ga.geom.get(), gb.geom.get()).get());
                const double area = vector::area(s.ctx, piece.get());
                if (area <= eps) continue;
                ConflictRow r;
                r.pair = pair_name;
                r.a_id = featureId(la, ca.source(i));
                r.b_id = featureId(lb, cb.source(j));
                r.a_attr = la.value(ca.source(i), fa).value_or("");
                r.b_attr = lb.value(cb.source(j), fb).value_or("");
                r.area_m2 = area;
                r.wkb = vector::toWkb(s.ctx, piece.get());
                found[i].push_back(std::move(r));
            }
        });
        double total = 0.0;
        size_t count = 0;
        for (auto& v : found)
            for (auto& r : v) {
                total += r.area_m2;
                ++count;
                res.conflicts.push_back(std::move(r));
            }
        per_pair.push_back({{"pair", pair_name}, {"overlaps", count}, {"area_m2", total}});
    }
    res.extra["pairs"] = per_pair;
    return res;
}

} // namespace xiongguan::checks
