// Driver rasters for the suitability models.
#include "simulate/landuse_drivers.hpp"

#include "io/atomic_file.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "simulate/landuse_distance.hpp"

#include <tbb/parallel_for.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

namespace xiongguan::simulate {

using core::cat;

namespace {

raster::Grid<std::uint8_t> burn(const raster::GridSpec& grid, const std::vector<const std::vector<std::uint8_t>*>& wkbs) {
    const auto r = io::rasterizeGeometries(grid, wkbs, std::vector<double>(wkbs.size(), 1.0), true, 0);
    raster::Grid<std::uint8_t> m(grid.cols, grid.rows, 0);
    for (size_t i = 0; i < r.size(); ++i) m[i] = r[i] != 0;
    return m;
}

// Distance in metres; with no source at all the driver is constant (the grid diagonal).
raster::Grid<float> dist(const raster::Grid<std::uint8_t>& mask, const raster::GridSpec& grid) {
    const double diag = std::hypot(grid.cols, grid.rows) * grid.cell_size_m;
    return distanceMetres(mask, grid.cell_size_m, static_cast<float>(diag));
}

// Distance to the burnt geometries (the mask is freed before the result is handed on).
raster::Grid<float> distTo(const raster::GridSpec& grid, const std::vector<const std::vector<std::uint8_t>*>& wkbs) {
    const auto mask = burn(grid, wkbs);
    return dist(mask, grid);
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

} // namespace

raster::Grid<float> slopeDegrees(const raster::Grid<float>& dem, double cell_size_m, float nodata) {
    const int cols = dem.cols(), rows = dem.rows();
    raster::Grid<float> out(cols, rows, 0.0f);
    tbb::parallel_for(0, rows, [&](int r) {
        for (int c = 0; c < cols; ++c) {
            if (dem.at(c, r) == nodata) continue;
            auto z = [&](int dc, int dr) {
                const int cc = std::clamp(c + dc, 0, cols - 1), rr = std::clamp(r + dr, 0, rows - 1);
                const float v = dem.at(cc, rr);
                return v == nodata ? dem.at(c, r) : v;
            };
            const double dzdx = ((z(1, -1) + 2 * z(1, 0) + z(1, 1)) - (z(-1, -1) + 2 * z(-1, 0) + z(-1, 1))) /
                                (8.0 * cell_size_m);
            const double dzdy = ((z(-1, 1) + 2 * z(0, 1) + z(1, 1)) - (z(-1, -1) + 2 * z(0, -1) + z(1, -1))) /
                                (8.0 * cell_size_m);
            out.at(c, r) = static_cast<float>(std::atan(std::hypot(dzdx, dzdy)) * 180.0 / M_PI);
        }
    });
    return out;
}

DriverStore::DriverStore(const std::string& dir, int cols, int rows) : m_cols(cols), m_rows(rows) {
    m_fd = io::openUnlinkedTemp(dir, "landuse_drivers", "landuse drivers", m_where);
}

DriverStore::~DriverStore() {
    if (m_fd >= 0) ::close(m_fd);
}

int DriverStore::add(const std::string& name, const raster::Grid<float>& grid) {
    if (grid.cols() != m_cols || grid.rows() != m_rows)
        throw InputError(cat("landuse drivers: layer '", name, "' is ", grid.cols(), "x", grid.rows(), "; expected ",
                             m_cols, "x", m_rows));
    const size_t cells = static_cast<size_t>(m_cols) * static_cast<size_t>(m_rows);
    const auto* p = reinterpret_cast<const char*>(grid.data());
    size_t left = cells * sizeof(float);
    off_t off = static_cast<off_t>(m_names.size() * cells * sizeof(float));
    while (left > 0) {
        const ssize_t w = ::pwrite(m_fd, p, std::min<size_t>(left, size_t(1) << 30), off);
        if (w <= 0)
            throw IoError(cat("landuse drivers: writing layer '", name, "' to the temporary file '", m_where,
                              "' failed: ", w < 0 ? std::strerror(errno) : "disk full?"));
        p += w;
        off += w;
        left -= static_cast<size_t>(w);
    }
    m_names.push_back(name);
    return static_cast<int>(m_names.size()) - 1;
}

void DriverStore::readRows(int layer, int row0, int n, float* out) const {
    if (layer < 0 || layer >= static_cast<int>(m_names.size()) || row0 < 0 || n < 0 || row0 + n > m_rows)
        throw InputError(cat("landuse drivers: rows ", row0, "..", row0 + n - 1, " of layer ", layer,
                             " asked; the store has ", m_names.size(), " layers of ", m_rows, " rows"));
    const size_t cells = static_cast<size_t>(m_cols) * static_cast<size_t>(m_rows);
    auto* p = reinterpret_cast<char*>(out);
    size_t left = static_cast<size_t>(n) * static_cast<size_t>(m_cols) * sizeof(float);
    off_t off = static_cast<off_t>((static_cast<size_t>(layer) * cells + static_cast<size_t>(row0) * m_cols) * sizeof(float));
    while (left > 0) {
        const ssize_t r = ::pread(m_fd, p, left, off);
        if (r <= 0)
            throw IoError(cat("landuse drivers: reading layer '", m_names.at(layer), "' rows ", row0, "..", row0 + n - 1,
                              " from the temporary file '", m_where, "' failed: ",
                              r < 0 ? std::strerror(errno) : "unexpected end of file"));
        p += r;
        off += r;
        left -= static_cast<size_t>(r);
    }
}

DriverSet staticDrivers(const io::StudyArea& study, const std::vector<UserDriver>& user) {
    DriverSet set;
    set.skipped = staticDrivers(study, user, [&](const std::string& name, raster::Grid<float>&& g) {
        set.names.push_back(name);
        set.grids.push_back(std::move(g));
    });
    return set;
}

std::vector<std::string> staticDrivers(const io::StudyArea& study, const std::vector<UserDriver>& user,
                                       const DriverSink& sink) {
    struct {
        std::vector<std::string> skipped;
    } set;
    const auto& grid = study.grid;
    if (study.has("roads")) {
        const auto roads = io::loadVector(study, "roads");
        const int f = roads.fieldIndex(study.layer("roads").field("class"));
        std::map<std::string, std::vector<const std::vector<std::uint8_t>*>> by_class;
        for (size_t i = 0; i < roads.features.size(); ++i) {
            if (roads.features[i].wkb.empty()) continue;
            std::string cls = f >= 0 ? roads.value(i, f).value_or("unclassified") : "all";
            by_class[lower(cls)].push_back(&roads.features[i].wkb);
        }
        for (const auto& [cls, wkbs] : by_class) {
            sink("dist_road_" + cls, distTo(grid, wkbs));
        }
    } else {
        set.skipped.push_back("dist_road: the study has no roads layer");
    }
    if (study.has("centres")) {
        const auto centres = io::loadVector(study, "centres");
        std::vector<const std::vector<std::uint8_t>*> wkbs;
        for (const auto& ft : centres.features)
            if (!ft.wkb.empty()) wkbs.push_back(&ft.wkb);
        sink("dist_centre", distTo(grid, wkbs));
    } else {
        set.skipped.push_back("dist_centre: the study has no centres layer");
    }
    if (study.has("heritage")) {
        const auto her = io::loadVector(study, "heritage");
        const int f = her.fieldIndex(study.layer("heritage").field("kind"));
        std::vector<const std::vector<std::uint8_t>*> wkbs;
        for (size_t i = 0; i < her.features.size(); ++i)
            if (!her.features[i].wkb.empty() && f >= 0 && lower(her.value(i, f).value_or("")) == "wall")
                wkbs.push_back(&her.features[i].wkb);
        if (!wkbs.empty()) {
            sink("dist_wall", distTo(grid, wkbs));
        } else {
            set.skipped.push_back("dist_wall: no heritage feature of kind 'wall'");
        }
    } else {
        set.skipped.push_back("dist_wall: the study has no heritage layer");
    }
    if (study.has("dem")) {
        constexpr float kNodata = -9999.0f;
        auto slope = [&] {
            const auto dem = io::loadFloatLayer(study, "dem", kNodata);
            return slopeDegrees(dem, grid.cell_size_m, kNodata);
        }();
        sink("slope_deg", std::move(slope));
    } else {
        set.skipped.push_back("slope_deg: the study has no dem layer");
    }
    for (const auto& u : user) {
        auto g = io::readFloatRaster(u.file, grid, u.resample, -9999.0f);
        for (auto& v : g.values())
            if (v == -9999.0f || !std::isfinite(v)) v = 0.0f;
        sink(u.name, std::move(g));
    }
    return set.skipped;
}

void mapDrivers(const io::StudyArea& study, const raster::ClassGrid& map, DriverSet& set) {
    mapDrivers(study, map, [&](const std::string& name, raster::Grid<float>&& g) {
        set.names.push_back(name);
        set.grids.push_back(std::move(g));
    });
}

void mapDrivers(const io::StudyArea& study, const raster::ClassGrid& map, const DriverSink& sink) {
    const auto& grid = study.grid;
    const size_t nv = static_cast<size_t>(study.classes.maxValue()) + 1;
    std::vector<char> water(nv, 0), industry(nv, 0), constr(nv, 0);
    for (const auto& r : study.classes.rows()) {
        water[r.value] = r.group == raster::ClassGroup::Water;
        industry[r.value] = r.code == "1001";
        constr[r.value] = r.urban_construction || r.group == raster::ClassGroup::Built ||
                          r.group == raster::ClassGroup::Transport;
    }
    auto maskOf = [&](const std::vector<char>& sel) {
        raster::Grid<std::uint8_t> m(map.cols(), map.rows(), 0);
        for (size_t i = 0; i < map.size(); ++i) m[i] = map[i] < nv && sel[map[i]];
        return m;
    };
    const std::pair<const char*, const std::vector<char>*> items[] = {
        {"dist_water", &water}, {"dist_industry", &industry}, {"dist_construction", &constr}};
    for (const auto& [name, sel] : items) {
        // Kept even when empty (then constant) so that the training and prediction maps give the
        // same driver layout.
        auto g = [&] {
            const auto m = maskOf(*sel);
            return dist(m, grid);
        }();
        sink(name, std::move(g));
    }
}

} // namespace xiongguan::simulate
