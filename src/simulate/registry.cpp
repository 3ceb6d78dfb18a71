// The model registry: one line per model (no static self-registration, which static libraries drop).
#include "simulate/model.hpp"

#include "core/errors.hpp"
#include "simulate/landuse_model.hpp"
#include "simulate/green_cover.hpp"
#include "simulate/water_model.hpp"

namespace xiongguan::simulate {

namespace {
struct Entry {
    const char* name;
    const char* description;
    std::unique_ptr<Model> (*make)();
};
const std::vector<Entry>& entries() {
    static const std::vector<Entry> e = {
        {LanduseCaModel::kName, LanduseCaModel::kDescription, [] { return std::unique_ptr<Model>(new LanduseCaModel); }},
        {GreenCoverModel::kName, GreenCoverModel::kDescription, [] { return std::unique_ptr<Model>(new GreenCoverModel); }},
        {WaterModel::kName, WaterModel::kDescription, [] { return std::unique_ptr<Model>(new WaterModel); }},
        // {"models.green_cover", "...", [] { return std::unique_ptr<Model>(new GreenCoverModel); }},
    };
    return e;
}
} // namespace

std::unique_ptr<Model> createModel(const std::string& type) {
    for (const auto& e : entries())
        if (type == e.name) return e.make();
    return nullptr;
}

std::vector<std::pair<std::string, std::string>> listModels() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : entries()) out.emplace_back(e.name, e.description);
    return out;
}

const raster::ClassGrid& RunState::landuseAt(int year) const {
    const raster::ClassGrid* best = nullptr;
    for (const auto& [y, g] : landuse)
        if (y <= year) best = &g;
    if (!best) throw InputError("no land-use map at or before " + std::to_string(year));
    return *best;
}

int RunState::latestYear() const {
    if (landuse.empty()) throw InputError("no land-use map loaded");
    return landuse.rbegin()->first;
}

} // namespace xiongguan::simulate
