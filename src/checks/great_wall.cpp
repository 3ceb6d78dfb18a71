#include "checks/great_wall.hpp"

#include "checks/thresholds.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"

#include <memory>

namespace xiongguan::checks {

using core::cat;

HeritageZones readHeritageZones(ReviewContext& ctx) {
    const vector::VectorLayer& h = ctx.layer("heritage");
    const io::LayerSpec& spec = ctx.study().layer("heritage");
    const int f_id = h.fieldIndex(spec.field("feature_id"));
    const int f_name = h.fieldIndex(spec.field("name"));
    const int f_kind = h.requireField(spec.field("kind"));
    HeritageZones z;
    const size_t n = h.features.size();
    z.protection_m.resize(n);
    z.control_m.resize(n);
    z.height_limit_m.resize(n);
    z.label.resize(n);
    z.is_wall.resize(n);
    struct Field {
        const char* name;
        const char* def_key;
        std::vector<double>* out;
    };
    Field fields[] = {{"protection_m", "great_wall.default_protection_m", &z.protection_m},
                      {"control_m", "great_wall.default_control_m", &z.control_m},
                      {"height_limit_m", "great_wall.default_height_limit_m", &z.height_limit_m}};
    for (const auto& fd : fields) {
        const int fi = h.fieldIndex(spec.field(fd.name));
        const double def = threshold(fd.def_key);
        size_t defaulted = 0;
        for (size_t i = 0; i < n; ++i) {
            std::optional<double> v = fi >= 0 ? h.number(i, fi) : std::nullopt; // throws on a non-number
            if (v && (*v < 0 || !std::isfinite(*v)))
                throw InputError(cat(h.path, ": heritage feature ", h.features[i].fid, " has ", fd.name, " '", *v,
                                     "'; expected a width or height >= 0 in metres"));
            if (!v) ++defaulted;
            (*fd.out)[i] = v.value_or(def);
        }
        if (defaulted)
            ctx.findings.push_back({"heritage.default_applied", fd.name,
                                    cat(h.path, ": ", defaulted, " heritage feature(s) have no ", fd.name,
                                        "; the default ", def, " m [E] applies")});
    }
    for (size_t i = 0; i < n; ++i) {
        auto id = h.value(i, f_id);
        auto nm = h.value(i, f_name);
        z.label[i] = (id && !id->empty() ? *id : cat("fid ", h.features[i].fid)) + (nm && !nm->empty() ? " " + *nm : "");
        z.is_wall[i] = normalized(h.value(i, f_kind)) == "wall";
    }
    return z;
}

namespace {
// Buffers every heritage feature by its own distance, in parallel; empty results are left out.
std::unique_ptr<ControlLayer> bufferLayer(ReviewContext& ctx, const std::string& name, const std::vector<double>& dist) {
    const vector::VectorLayer& h = ctx.layer("heritage");
    std::vector<std::vector<std::uint8_t>> out(h.features.size());
    forEachParallel(h.features.size(), ctx.scratch(), name, [&](size_t i, Scratch& s) {
        if (h.features[i].wkb.empty() || dist[i] <= 0) return;
        vector::GeomPtr g = vector::fromWkb(s.ctx, h.features[i].wkb);
        vector::GeomPtr b = vector::buffer(s.ctx, g.get(), dist[i], 8);
        out[i] = polygonWkb(s.ctx, b.get());
    });
    std::vector<std::vector<std::uint8_t>> w;
    std::vector<size_t> src;
    for (size_t i = 0; i < out.size(); ++i)
        if (!out[i].empty()) {
            w.push_back(std::move(out[i]));
            src.push_back(i);
        }
    return std::make_unique<ControlLayer>(name, std::move(w), std::move(src));
}
} // namespace

ParcelReview GreatWallCheck::prepareParcels(ReviewContext& ctx) const {
    auto zp = std::make_shared<const HeritageZones>(readHeritageZones(ctx));
    const HeritageZones& zones = *zp;
    const vector::VectorLayer& h = ctx.layer("heritage");
    std::vector<double> outer_m(zones.protection_m.size());
    for (size_t i = 0; i < outer_m.size(); ++i) outer_m[i] = zones.protection_m[i] + zones.control_m[i];
    const ControlLayer& prot = ctx.control("heritage.protection", [&]() { return bufferLayer(ctx, "protection range", zones.protection_m); });
    const ControlLayer& outer = ctx.control("heritage.control", [&]() { return bufferLayer(ctx, "control zone", outer_m); });
    const ControlLayer& walls = ctx.control("heritage.walls", [&]() {
        return controlFromLayer("wall lines", h, [&](size_t i) { return zones.is_wall[i] != 0; });
    });
    const double eps = areaEpsilon();

    ParcelReview review;
    review.review = [&prot, &outer, &walls, zp, eps](const Parcel& p, const GEOSGeometry* g, const vector::Envelope& env,
                                                 Scratch& s, RuleRow& row) {
        const HeritageZones& z = *zp;
        // Crossing a wall line (any contact with the wall itself).
        std::string crossed;
        for (size_t m : walls.candidates(env)) {
            const auto& c = walls.get(m, s);
            const char r = GEOSPreparedIntersects_r(s.ctx.handle(), c.prepared.get(), g);
            if (r == 2) throw GeometryError("GEOS intersects failed on a wall line: " + s.ctx.lastError());
            if (r == 1) {
                crossed = z.label[walls.source(m)];
                break;
            }
        }
        Overlap o = outer.overlap(g, p.area_m2, env, s, true);
        row.area_m2 = o.area_m2;
        if (crossed.empty() && o.area_m2 <= eps) {
            row.status = kPass;
            row.reason = o.touching.empty() ? "outside every heritage protection range and control zone"
                                            : "touches a heritage control zone only along its edge (zero area)";
            return;
        }
        if (o.geom) row.wkb = polygonWkb(s.ctx, o.geom.get());
        if (!crossed.empty()) {
            row.status = kFail;
            row.reason = cat("crosses the wall '", crossed, "': construction through or across the wall is forbidden");
            return;
        }
        Overlap pr = prot.overlap(g, p.area_m2, env, s, false);
        if (pr.area_m2 > eps) {
            const size_t f = prot.source(pr.members.front());
            row.status = kFail;
            row.reason = cat(fmtArea(pr.area_m2), " m2 inside the protection range of '", z.label[f], "' (",
                             z.protection_m[f], " m)");
            return;
        }
        // Control zone only: the strictest height limit among the features whose zone it enters.
        size_t strict = outer.source(o.members.front());
        for (size_t m : o.members)
            if (z.height_limit_m[outer.source(m)] < z.height_limit_m[strict]) strict = outer.source(m);
        const double limit = z.height_limit_m[strict];
        if (!p.height_m) {
            row.status = kInvalid;
            row.reason = cat("height_m is empty; needed inside the control zone of '", z.label[strict], "' (limit ",
                             limit, " m)");
            row.wkb.clear();
            return;
        }
        if (*p.height_m > limit) {
            row.status = kFail;
            row.reason = cat(fmtArea(o.area_m2), " m2 in the control zone of '", z.label[strict], "': height ",
                             *p.height_m, " m above the limit ", limit, " m");
        } else {
            row.status = kNeedsApproval;
            row.reason = cat(fmtArea(o.area_m2), " m2 in the control zone of '", z.label[strict], "': height ",
                             *p.height_m, " m within the limit ", limit, " m (needs approval)");
        }
    };
    return review;
}

} // namespace xiongguan::checks
