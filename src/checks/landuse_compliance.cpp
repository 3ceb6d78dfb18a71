// landuseCompliance: raster compliance of a land-use map (e.g. a simulated year) with the lines.
#include "checks/api.hpp"
#include "checks/great_wall.hpp"
#include "checks/review.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/vector_io.hpp"
#include "raster/grid.hpp"

#include <tbb/parallel_for.h>

#include <array>
#include <filesystem>
#include <memory>
#include <mutex>

namespace xiongguan::checks {

using core::cat;

namespace {

/// Bits of the packed control-line mask (one byte per cell).
enum : std::uint8_t { kConcentrated = 1, kRedLine = 2, kBasicFarmland = 4, kGreatWall = 8 };

/// The packed mask of the last study seen, so a batch rasterizes the lines once (≈22 MB for the
/// shipped study). Keyed by the study file, its grid and the size and time of every layer file read.
struct MaskCache {
    std::mutex mutex;
    std::string key;
    std::shared_ptr<const raster::Grid<std::uint8_t>> mask;
};
MaskCache& maskCache() {
    static MaskCache c;
    return c;
}

std::string fileStamp(const std::string& f) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(f, ec);
    if (ec) return f + ":?";
    const auto t = std::filesystem::last_write_time(f, ec);
    return cat(f, ":", size, ":", ec ? 0 : static_cast<long long>(t.time_since_epoch().count()));
}

std::string maskKey(const io::StudyArea& study) {
    const auto& g = study.grid;
    std::string k = cat(fileStamp(study.path), "|", g.cols, "x", g.rows, "@", g.origin_x, ",", g.origin_y, "/",
                        g.cell_size_m);
    for (const char* role : {"development_boundary", "ecological_redline", "basic_farmland", "heritage"})
        if (study.has(role)) k += cat("|", role, "=", fileStamp(study.layer(role).file), "#", study.layer(role).layer);
    return k;
}

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
    // Per class value: bit 0 urban construction, 1 construction, 2 farmland.
    std::vector<std::uint8_t> cls(nv, 0);
    for (const auto& r : classes.rows())
        cls[r.value] = static_cast<std::uint8_t>((r.urban_construction ? 1 : 0) | (isConstruction(r) ? 2 : 0) |
                                                 (r.group == raster::ClassGroup::Farmland ? 4 : 0));
    const double ha_per_cell = study.grid.cellArea_m2() / 10000.0;

    // The control lines rasterized (cell centre inside), packed one bit per line; made once per study.
    const std::string key = maskKey(study);
    std::shared_ptr<const raster::Grid<std::uint8_t>> packed;
    {
        MaskCache& c = maskCache();
        std::lock_guard<std::mutex> lock(c.mutex);
        if (c.key == key) packed = c.mask;
    }
    if (!packed) {
        auto m = std::make_shared<raster::Grid<std::uint8_t>>(study.grid.cols, study.grid.rows, 0);
        auto orInto = [&](const std::vector<std::vector<std::uint8_t>>& wkbs, std::uint8_t bit) {
            const auto r = maskOf(study.grid, wkbs);
            for (size_t i = 0; i < r.size(); ++i)
                if (r[i] != 0) (*m)[i] = static_cast<std::uint8_t>((*m)[i] | bit);
        };
        CheckRequest req;
        ReviewContext ctx(study, req);
        if (study.has("development_boundary")) {
            const auto& l = ctx.layer("development_boundary");
            const int f = l.requireField(study.layer("development_boundary").field("zone"));
            std::vector<std::vector<std::uint8_t>> w;
            for (size_t i = 0; i < l.features.size(); ++i)
                if (normalized(l.value(i, f)) == "concentrated") w.push_back(l.features[i].wkb);
            orInto(w, kConcentrated);
        }
        if (study.has("ecological_redline")) {
            std::vector<std::vector<std::uint8_t>> w;
            for (const auto& f : ctx.layer("ecological_redline").features) w.push_back(f.wkb);
            orInto(w, kRedLine);
        }
        if (study.has("basic_farmland")) {
            std::vector<std::vector<std::uint8_t>> w;
            for (const auto& f : ctx.layer("basic_farmland").features) w.push_back(f.wkb);
            orInto(w, kBasicFarmland);
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
            orInto(w, kGreatWall);
        }
        packed = m;
        MaskCache& c = maskCache();
        std::lock_guard<std::mutex> lock(c.mutex);
        c.key = key;
        c.mask = packed;
    }

    // One pass over the map, counts per row block (integers: any order gives the same sums).
    const raster::Grid<std::uint8_t>& mask = *packed;
    const size_t n = landuse.size();
    const size_t block = size_t(1) << 16;
    const size_t nb = (n + block - 1) / block;
    std::vector<std::array<std::uint64_t, 4>> parts(nb, {0, 0, 0, 0});
    tbb::parallel_for(size_t(0), nb, [&](size_t b) {
        std::array<std::uint64_t, 4> p{0, 0, 0, 0};
        const size_t end = std::min(n, (b + 1) * block);
        for (size_t i = b * block; i < end; ++i) {
            const std::uint16_t v = landuse[i];
            if (v == raster::kClassNodata || v >= nv) continue;
            const std::uint8_t c = cls[v], k = mask[i];
            p[0] += (c & 1) && !(k & kConcentrated);  // urban construction outside the concentrated zone
            p[1] += (c & 2) && (k & kRedLine);        // construction in the red line
            p[2] += !(c & 4) && (k & kBasicFarmland); // not farmland on basic farmland
            p[3] += (c & 2) && (k & kGreatWall);      // construction in the Great Wall protection zone
        }
        parts[b] = p;
    });
    std::array<std::uint64_t, 4> tot{0, 0, 0, 0};
    for (const auto& p : parts)
        for (size_t k = 0; k < 4; ++k) tot[k] += p[k];
    auto ha = [&](size_t k) { return static_cast<double>(tot[k]) * ha_per_cell; };
    nlohmann::ordered_json j;
    if (study.has("development_boundary")) j["urban_construction_outside_concentrated_ha"] = ha(0);
    if (study.has("ecological_redline")) j["construction_in_red_line_ha"] = ha(1);
    if (study.has("basic_farmland")) j["non_farm_on_basic_farmland_ha"] = ha(2);
    if (study.has("heritage")) j["construction_in_great_wall_protection_ha"] = ha(3);
    return j;
}

} // namespace xiongguan::checks
