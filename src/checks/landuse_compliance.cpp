// landuseCompliance: raster compliance of a land-use map (e.g. a simulated year) with the lines.
#include "checks/api.hpp"
#include "checks/great_wall.hpp"
#include "checks/review.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/vector_io.hpp"

namespace xiongguan::checks {

using core::cat;

namespace {
// Cells whose centre is inside any of the geometries.
raster::Grid<std::int32_t> maskOf(const raster::GridSpec& grid, const std::vector<std::vector<std::uint8_t>>& wkbs) {
    std::vector<const std::vector<std::uint8_t>*> ptrs;
    for (const auto& w : wkbs)
        if (!w.empty()) ptrs.push_back(&w);
    return io::rasterizeGeometries(grid, ptrs, std::vector<double>(ptrs.size(), 1.0), false, 0);
}
} // namespace

nlohmann::ordered_json landuseCompliance(const io::StudyArea& study, const raster::ClassGrid& landuse) {
    if (landuse.cols() != study.grid.cols || landuse.rows() != study.grid.rows)
        throw InputError(cat("checks: the land-use map is ", landuse.cols(), "x", landuse.rows(),
                             "; expected the study grid ", study.grid.cols, "x", study.grid.rows));
    const auto& classes = study.classes;
    const size_t nv = static_cast<size_t>(classes.maxValue()) + 1;
    std::vector<char> urban(nv, 0), constr(nv, 0), farm(nv, 0);
    for (const auto& r : classes.rows()) {
        urban[r.value] = r.urban_construction;
        constr[r.value] = isConstruction(r);
        farm[r.value] = r.group == raster::ClassGroup::Farmland;
    }
    const double ha_per_cell = study.grid.cellArea_m2() / 10000.0;
    nlohmann::ordered_json j;
    auto count = [&](const raster::Grid<std::int32_t>* mask, bool inside, const std::vector<char>& cls, bool cls_value) {
        std::uint64_t n = 0;
        for (size_t i = 0; i < landuse.size(); ++i) {
            const std::uint16_t v = landuse[i];
            if (v == raster::kClassNodata || v >= nv) continue;
            if ((cls[v] != 0) != cls_value) continue;
            if (mask && ((*mask)[i] != 0) != inside) continue;
            ++n;
        }
        return static_cast<double>(n) * ha_per_cell;
    };
    CheckRequest req;
    ReviewContext ctx(study, req);
    if (study.has("development_boundary")) {
        const auto& l = ctx.layer("development_boundary");
        const int f = l.requireField(study.layer("development_boundary").field("zone"));
        std::vector<std::vector<std::uint8_t>> w;
        for (size_t i = 0; i < l.features.size(); ++i)
            if (normalized(l.value(i, f)) == "concentrated") w.push_back(l.features[i].wkb);
        const auto m = maskOf(study.grid, w);
        j["urban_construction_outside_concentrated_ha"] = count(&m, false, urban, true);
    }
    if (study.has("ecological_redline")) {
        std::vector<std::vector<std::uint8_t>> w;
        for (const auto& f : ctx.layer("ecological_redline").features) w.push_back(f.wkb);
        const auto m = maskOf(study.grid, w);
        j["construction_in_red_line_ha"] = count(&m, true, constr, true);
    }
    if (study.has("basic_farmland")) {
        std::vector<std::vector<std::uint8_t>> w;
        for (const auto& f : ctx.layer("basic_farmland").features) w.push_back(f.wkb);
        const auto m = maskOf(study.grid, w);
        j["non_farm_on_basic_farmland_ha"] = count(&m, true, farm, false);
    }
    if (study.has("heritage")) {
        const HeritageZones z = readHeritageZones(ctx);
        const auto& l = ctx.layer("heritage");
        std::vector<std::vector<std::uint8_t>> w(l.features.size());
        forEachParallel(l.features.size(), ctx.scratch(), "heritage buffers", [&](size_t i, Scratch& s) {
            if (l.features[i].wkb.empty() || z.protection_m[i] <= 0) return;
            auto g = vector::fromWkb(s.ctx, l.features[i].wkb);
            w[i] = polygonWkb(s.ctx, vector::buffer(s.ctx, g.get(), z.protection_m[i], 8).get());
        });
        const auto m = maskOf(study.grid, w);
        j["construction_in_great_wall_protection_ha"] = count(&m, true, constr, true);
    }
    return j;
}

} // namespace xiongguan::checks
