#include "simulate/green_indicators.hpp"

#include "core/errors.hpp"

#include <tbb/parallel_for.h>

namespace xiongguan::simulate {

GreenTotals computeGreenTotals(const GreenInputs& in) {
    const auto& lu = *in.landuse;
    const auto& bu = *in.built_up;
    if (bu.cols() != lu.cols() || bu.rows() != lu.rows() ||
        (in.population && (in.population->cols() != lu.cols() || in.population->rows() != lu.rows())))
        throw InputError("models.green_cover: the built-up mask / population grid differs in size from the land-use map");
    const auto& ct = *in.classes;
    const size_t nv = static_cast<size_t>(ct.maxValue()) + 1;
    std::vector<double> canopy(nv, 0.0), attached(nv, 0.0);
    std::vector<std::uint8_t> park(nv, 0), constr(nv, 0);
    for (const auto& c : ct.rows()) {
        canopy[c.value] = c.canopy;
        attached[c.value] = c.attached_green;
        constr[c.value] = c.urban_construction ? 1 : 0;
    }
    for (auto v : in.park_values)
        if (v < nv) park[v] = 1;

    const auto windows = raster::makeWindows(lu.cols(), lu.rows(), 512);
    struct Part {
        std::int64_t cells = 0, parks = 0, constr = 0;
        double green = 0, cover = 0, pop = 0;
    };
    std::vector<Part> parts(windows.size());
    tbb::parallel_for(size_t(0), windows.size(), [&](size_t w) {
        const auto& win = windows[w];
        Part p;
        for (int r = win.row0; r < win.row0 + win.rows; ++r) {
            const size_t base = static_cast<size_t>(r) * static_cast<size_t>(lu.cols());
            for (int c = win.col0; c < win.col0 + win.cols; ++c) {
                const size_t i = base + static_cast<size_t>(c);
                if (!bu[i]) continue;
                ++p.cells;
                const std::uint16_t v = lu[i];
                if (v < nv) {
                    p.green += attached[v];
                    p.cover += canopy[v];
                    p.parks += park[v];
                    p.constr += constr[v];
                }
                if (in.population) {
                    const float x = (*in.population)[i];
                    if (x > 0.0f) p.pop += x;
                }
            }
        }
        parts[w] = p;
    });
    GreenTotals t;
    const double a = in.spec->cellArea_m2();
    double green = 0, cover = 0;
    for (const auto& p : parts) { // tile order
        t.built_up_cells += p.cells;
        green += p.green;
        cover += p.cover;
        t.population += p.pop;
        t.park_m2 += static_cast<double>(p.parks) * a;
        t.construction_m2 += static_cast<double>(p.constr) * a;
    }
    t.built_up_m2 = static_cast<double>(t.built_up_cells) * a;
    t.green_space_m2 = green * a;
    t.canopy_m2 = cover * a;
    return t;
}

const std::vector<GreenThreshold>& greenThresholds() {
    static const std::vector<GreenThreshold> t = {
        {"green_cover_rate", "garden_city", "National garden city standard", "2016", 0.36, "[R]"},
        {"green_space_rate", "garden_city", "National garden city standard", "2016", 0.31, "[R]"},
        {"park_green_m2_per_person", "garden_city", "National garden city standard", "2016", 7.5, "[R]", 0.0, 80.0},
        {"park_green_m2_per_person", "garden_city", "National garden city standard", "2016", 8.0, "[R]", 80.0, 100.0},
        {"park_green_m2_per_person", "garden_city", "National garden city standard", "2016", 9.0, "[R]", 100.0, 1e300},
        {"park_service_coverage", "garden_city", "National garden city standard", "2016", 0.80, "[R]"},
        {"tree_lined_road_share", "garden_city", "National garden city standard", "2016", 0.60, "[R]"},
        {"green_cover_rate", "eco_garden_city", "National eco-garden city standard", "2016", 0.43, "[S-weak]"},
        {"park_green_m2_per_person", "eco_garden_city", "National eco-garden city standard", "2016", 14.8, "[S-weak]"},
        {"park_service_coverage", "eco_garden_city", "National eco-garden city standard", "2016", 0.90, "[S-weak]"},
    };
    return t;
}

nlohmann::ordered_json greenIndicator(const std::string& key, double value, const std::string& unit,
                                      double construction_m2_per_person) {
    nlohmann::ordered_json j;
    j["value"] = value;
    j["unit"] = unit;
    nlohmann::ordered_json th = nlohmann::ordered_json::object(), pass = nlohmann::ordered_json::object(),
                           labels = nlohmann::ordered_json::object();
    for (const auto& t : greenThresholds()) {
        if (t.indicator != key) continue;
        if (construction_m2_per_person < t.cond_lo || construction_m2_per_person >= t.cond_hi) continue;
        th[t.level] = t.value;
        pass[t.level] = value >= t.value;
        labels[t.level] = t.label + " " + t.standard + " (" + t.edition + ")";
    }
    j["thresholds"] = th;
    j["pass"] = pass;
    j["direction"] = "min";
    j["labels"] = labels;
    j["estimate"] = false;
    return j;
}

} // namespace xiongguan::simulate
