#include "simulate/green_allocation.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace xiongguan::simulate {

AllocationResult allocateGreen(const raster::GridSpec& spec, raster::ClassGrid& landuse,
                               const raster::Grid<std::uint8_t>& built_up, const raster::ClassTable& classes,
                               const raster::Grid<std::uint8_t>& candidates, const GreenTotals& before,
                               const std::function<double(size_t)>& water_m3, const AllocationParams& P) {
    AllocationResult res;
    if (!P.target_green_cover && !P.target_green_space) return res;
    res.ran = true;
    const raster::ClassInfo* nc = classes.byValue(P.new_class);
    if (!nc) throw ConfigError("models.green_cover: new_green_class " + std::to_string(P.new_class) +
                               " is not in the study's class table");
    const int cols = landuse.cols(), rows = landuse.rows();
    const double a = spec.cellArea_m2();
    const bool by_cover = P.target_green_cover.has_value();
    double need_cover = P.target_green_cover ? *P.target_green_cover * before.built_up_m2 - before.canopy_m2 : 0.0;
    double need_space = P.target_green_space ? *P.target_green_space * before.built_up_m2 - before.green_space_m2 : 0.0;
    res.needed_m2 = std::max(0.0, by_cover ? need_cover : need_space);
    res.unit_of_cell = raster::Grid<std::int32_t>(cols, rows, 0);
    if (need_cover <= 0 && need_space <= 0) {
        res.target_reached = true;
        return res;
    }
    auto gainOf = [&](std::uint16_t v, bool cover) {
        const raster::ClassInfo* c = classes.byValue(v);
        const double old = c ? (cover ? c->canopy : c->attached_green) : 0.0;
        return ((cover ? nc->canopy : nc->attached_green) - old) * a;
    };

    const int bc = std::max(1, static_cast<int>(std::lround(P.block_m / spec.cell_size_m)));
    const int nbx = (cols + bc - 1) / bc;
    // Units with their cells (row-major inside each unit because the scan is row-major).
    std::vector<AllocationUnit> units;
    std::vector<std::vector<std::int64_t>> cells;
    std::vector<std::int32_t> unit_index_of_block;
    std::vector<int> slot(static_cast<size_t>(nbx) * ((rows + bc - 1) / bc), -1);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const size_t i = static_cast<size_t>(r) * cols + c;
            if (!candidates[i] || !built_up[i] || landuse[i] == P.new_class) continue;
            const double g = gainOf(landuse[i], by_cover);
            if (g <= 0.0) continue;
            ++res.candidate_cells;
            const size_t b = static_cast<size_t>(r / bc) * nbx + static_cast<size_t>(c / bc);
            if (slot[b] < 0) {
                slot[b] = static_cast<int>(units.size());
                AllocationUnit u;
                u.id = static_cast<std::int32_t>(b + 1);
                units.push_back(u);
                cells.emplace_back();
            }
            auto& u = units[static_cast<size_t>(slot[b])];
            u.area_m2 += a;
            u.gain_m2 += g;
            u.water_m3 += std::max(0.0, water_m3(i));
            u.kinds |= candidates[i];
            cells[static_cast<size_t>(slot[b])].push_back(static_cast<std::int64_t>(i));
        }
    std::vector<size_t> order(units.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    const double inf = std::numeric_limits<double>::infinity();
    auto perM3 = [&](const AllocationUnit& u) { return u.water_m3 > 0 ? u.gain_m2 / u.water_m3 : inf; };
    auto perM2 = [&](const AllocationUnit& u) { return u.gain_m2 / u.area_m2; };
    const bool budget = P.water_budget_m3.has_value();
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        const auto &u = units[x], &v = units[y];
        const double a1 = budget ? perM3(u) : perM2(u), b1 = budget ? perM3(v) : perM2(v);
        if (a1 != b1) return a1 > b1;
        const double a2 = budget ? perM2(u) : perM3(u), b2 = budget ? perM2(v) : perM3(v);
        if (a2 != b2) return a2 > b2;
        return u.id < v.id;
    });

    bool stop = false;
    for (size_t k : order) {
        if (stop) break;
        auto& u = units[k];
        for (std::int64_t ci : cells[k]) {
            if (need_cover <= 0 && need_space <= 0) {
                stop = true;
                break;
            }
            const size_t i = static_cast<size_t>(ci);
            const double w = std::max(0.0, water_m3(i));
            if (budget && res.water_m3 + w > *P.water_budget_m3) {
                res.budget_binding = true;
                stop = true;
                break;
            }
            const double gc = gainOf(landuse[i], true), gs = gainOf(landuse[i], false);
            landuse[i] = P.new_class;
            res.unit_of_cell[i] = u.id;
            need_cover -= gc;
            need_space -= gs;
            res.gained_cover_m2 += gc;
            res.gained_space_m2 += gs;
            res.allocated_m2 += a;
            res.water_m3 += w;
            u.allocated_m2 += a;
            u.allocated_gain_m2 += by_cover ? gc : gs;
            u.allocated_water_m3 += w;
        }
        if (u.allocated_m2 > 0) res.units.push_back(u);
    }
    res.target_reached = need_cover <= 1e-9 && need_space <= 1e-9;
    return res;
}

} // namespace xiongguan::simulate
