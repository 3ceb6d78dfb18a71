#include "io/study.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "io/yaml_util.hpp"

#include <algorithm>
#include <filesystem>

namespace xiongguan::io {

using core::cat;
namespace fs = std::filesystem;

namespace {

std::string resolve(const std::string& dir, const std::string& file) {
    if (file.empty()) return file;
    fs::path p(file);
    if (p.is_absolute()) return p.string();
    return (fs::path(dir) / p).lexically_normal().string();
}

std::array<std::uint8_t, 3> parseColour(const std::string& file, const YAML::Node& n, const std::string& s) {
    // "#rrggbb" by hand: std::regex here makes GCC 12 warn (maybe-uninitialized) under ASan.
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    bool ok = s.size() == 7 && s[0] == '#';
    for (size_t i = 1; ok && i < 7; ++i) ok = hex(s[i]) >= 0;
    if (!ok) throw ConfigError(where(file, n) + ": colour '" + s + "' must look like '#rrggbb'");
    auto byte = [&](size_t i) { return static_cast<std::uint8_t>(hex(s[i]) * 16 + hex(s[i + 1])); };
    return {byte(1), byte(3), byte(5)};
}

LayerSpec parseLayer(const std::string& file, const std::string& dir, const std::string& role, const YAML::Node& n,
                     bool landuse_epoch) {
    LayerSpec spec;
    spec.role = role;
    if (n.IsScalar()) {
        spec.file = resolve(dir, n.as<std::string>());
    } else {
        std::set<std::string> keys = {"file", "layer", "encoding", "crs", "resample", "fields"};
        if (landuse_epoch) keys.insert({"polygons", "code_field"});
        requireKnownKeys(file, n, keys, "layer '" + role + "'");
        spec.file = resolve(dir, getString(file, n, "file"));
        spec.layer = getString(file, n, "layer");
        spec.encoding = getString(file, n, "encoding");
        spec.crs = getString(file, n, "crs");
        spec.resample = parseResample(getString(file, n, "resample"), where(file, n) + ": layer '" + role + "'");
        if (landuse_epoch) {
            spec.polygons = resolve(dir, getString(file, n, "polygons"));
            spec.code_field = getString(file, n, "code_field", "code");
        }
        if (const YAML::Node f = n["fields"]) {
            if (!f.IsMap()) throw ConfigError(where(file, f) + ": 'fields' of layer '" + role + "' must be a map");
            for (const auto& kv : f) spec.fields[kv.first.as<std::string>()] = kv.second.as<std::string>();
        }
    }
    if (spec.file.empty() && spec.polygons.empty())
        throw ConfigError(where(file, n) + ": layer '" + role + "' needs 'file'");
    for (const std::string* p : {&spec.file, &spec.polygons})
        if (!p->empty() && !fs::exists(*p))
            throw ConfigError(where(file, n) + ": layer '" + role + "': file '" + *p + "' not found");
    return spec;
}

} // namespace

std::string LayerSpec::field(const std::string& engine_name) const {
    auto it = fields.find(engine_name);
    return it == fields.end() ? engine_name : it->second;
}

const LayerSpec& StudyArea::layer(const std::string& role) const {
    auto it = layers.find(role);
    if (it == layers.end()) throw ConfigError(path + ": the study has no '" + role + "' layer");
    return it->second;
}

std::vector<int> StudyArea::landuseYears() const {
    std::vector<int> years;
    for (const auto& [y, _] : landuse) years.push_back(y);
    return years;
}

int StudyArea::latestLanduseYear() const {
    if (landuse.empty()) throw ConfigError(path + ": the study has no 'landuse' layer");
    return landuse.rbegin()->first;
}

const std::vector<std::string>& knownRoles() {
    static const std::vector<std::string> roles = {
        "boundary", "landuse", "built_up_area", "centres", "development_boundary", "ecological_redline",
        "basic_farmland", "heritage", "land_supply", "proposals", "roads", "population", "irrigation",
        "canals", "water_sources", "dem"};
    return roles;
}

StudyArea loadStudy(const std::string& path) {
    initGdal();
    if (!fs::exists(path)) throw IoError(path + ": study file not found");
    YAML::Node root = loadYamlFile(path);
    const std::string& f = path;
    if (!root.IsMap()) throw ConfigError(path + ": a study file must be a YAML map (see docs/STUDY_FORMAT.md)");
    requireKnownKeys(f, root,
                     {"name", "title", "synthetic", "description", "crs", "grid", "invalid_geometry",
                      "population_total", "classes", "layers"},
                     "the study file");
    StudyArea s;
    s.path = path;
    s.dir = fs::path(path).parent_path().string();
    if (s.dir.empty()) s.dir = ".";
    s.name = getString(f, root, "name", fs::path(path).parent_path().filename().string());
    s.title = getString(f, root, "title", s.name);
    s.synthetic = getBool(f, root, "synthetic", false);
    s.description = getString(f, root, "description");
    s.crs = getString(f, root, "crs", "EPSG:4542");
    s.population_total = getDouble(f, root, "population_total", 0.0);
    const std::string inv = getString(f, root, "invalid_geometry", "stop");
    if (inv == "stop") s.invalid_geometry = InvalidPolicy::Stop;
    else if (inv == "repair") s.invalid_geometry = InvalidPolicy::Repair;
    else throw ConfigError(where(f, root["invalid_geometry"]) + ": invalid_geometry '" + inv +
                           "' must be 'stop' or 'repair'");

    s.grid.crs_wkt = crsToWkt(s.crs, where(f, root["crs"]));
    if (!isProjectedMetres(s.grid.crs_wkt))
        throw ConfigError(where(f, root["crs"]) + ": crs '" + s.crs +
                          "' is not a projected CRS in metres; expected one such as 'EPSG:4542' (the grid is in metres)");
    const YAML::Node g = root["grid"];
    if (!g) throw ConfigError(path + ": 'grid' is missing (origin_x, origin_y, cell_size_m, cols, rows)");
    requireKnownKeys(f, g, {"origin_x", "origin_y", "cell_size_m", "cols", "rows"}, "grid");
    for (const char* k : {"origin_x", "origin_y", "cols", "rows"})
        if (!g[k]) throw ConfigError(where(f, g) + ": grid needs '" + k + "'");
    s.grid.origin_x = getDouble(f, g, "origin_x", 0);
    s.grid.origin_y = getDouble(f, g, "origin_y", 0);
    s.grid.cell_size_m = getDouble(f, g, "cell_size_m", 10.0);
    s.grid.cols = getInt(f, g, "cols", 0);
    s.grid.rows = getInt(f, g, "rows", 0);
    if (s.grid.cell_size_m <= 0)
        throw ConfigError(cat(where(f, g["cell_size_m"]), ": cell_size_m must be > 0, got '", s.grid.cell_size_m, "'"));
    if (s.grid.cols <= 0 || s.grid.rows <= 0)
        throw ConfigError(cat(where(f, g), ": cols and rows must be > 0, got ", s.grid.cols, " x ", s.grid.rows));

    const YAML::Node classes = root["classes"];
    if (!classes || !classes.IsSequence() || classes.size() == 0)
        throw ConfigError(path + ": 'classes' must be a non-empty list of {code, name, colour, group, ...}");
    std::vector<raster::ClassInfo> rows;
    for (const auto& c : classes) {
        requireKnownKeys(f, c,
                         {"code", "name", "colour", "color", "group", "urban_construction", "residential", "canopy",
                          "attached_green", "water_use"},
                         "a class");
        raster::ClassInfo ci;
        if (!c["code"] || !c["code"].IsScalar()) throw ConfigError(where(f, c) + ": class needs a 'code'");
        ci.code = c["code"].as<std::string>();
        try {
            raster::ClassTable::codeValue(ci.code);
        } catch (const InputError& e) {
            throw ConfigError(where(f, c["code"]) + ": " + e.what());
        }
        ci.name = getString(f, c, "name", ci.code);
        std::string col = getString(f, c, "colour", getString(f, c, "color", "#c8c8c8"));
        ci.rgb = parseColour(f, c, col);
        const std::string grp = getString(f, c, "group", "other");
        auto pg = raster::parseClassGroup(grp);
        if (!pg) throw ConfigError(where(f, c["group"]) + ": class '" + ci.code + "': group '" + grp +
                                   "' is not known (see docs/STUDY_FORMAT.md)");
        ci.group = *pg;
        ci.urban_construction = getBool(f, c, "urban_construction", false);
        ci.residential = getBool(f, c, "residential", false);
        ci.canopy = getDoubleIn(f, c, "canopy", 0.0, 0.0, 1.0);
        ci.attached_green = getDoubleIn(f, c, "attached_green", ci.group == raster::ClassGroup::Green ? 1.0 : 0.0,
                                        0.0, 1.0);
        ci.water_use = getString(f, c, "water_use");
        rows.push_back(ci);
    }
    try {
        s.classes = raster::ClassTable(std::move(rows));
    } catch (const ConfigError& e) {
        throw ConfigError(where(f, classes) + ": " + e.what());
    }

    const YAML::Node layers = root["layers"];
    if (!layers || !layers.IsMap()) throw ConfigError(path + ": 'layers' must be a map of role -> layer");
    std::set<std::string> roles(knownRoles().begin(), knownRoles().end());
    requireKnownKeys(f, layers, roles, "layers");
    for (const auto& kv : layers) {
        const std::string role = kv.first.as<std::string>();
        if (role == "landuse") {
            if (!kv.second.IsMap())
                throw ConfigError(where(f, kv.second) + ": 'landuse' must map years to layers (2021: {file: ...})");
            for (const auto& ep : kv.second) {
                int year = 0;
                try {
                    year = ep.first.as<int>();
                } catch (const YAML::Exception&) {
                    throw ConfigError(where(f, ep.first) + ": landuse key '" + ep.first.as<std::string>() +
                                      "' must be a year");
                }
                s.landuse[year] = parseLayer(f, s.dir, "landuse " + std::to_string(year), ep.second, true);
            }
        } else {
            s.layers[role] = parseLayer(f, s.dir, role, kv.second, false);
        }
    }
    if (!s.layers.count("boundary")) throw ConfigError(path + ": 'layers' needs a 'boundary'");
    if (s.landuse.empty()) throw ConfigError(path + ": 'layers' needs a 'landuse' with at least one year");
    return s;
}

vector::VectorLayer loadVector(const StudyArea& study, const std::string& role) {
    const LayerSpec& spec = study.layer(role);
    VectorSource src{spec.file, spec.layer, spec.encoding, spec.crs, role};
    return readVectorLayer(src, study.grid.crs_wkt, study.invalid_geometry);
}

std::vector<std::uint64_t> landuseCounts(const StudyArea& study, int year) {
    auto it = study.landuse.find(year);
    if (it == study.landuse.end())
        throw ConfigError(cat(study.path, ": the study has no land-use map for ", year));
    if (!it->second.file.empty())
        return classRasterCounts(it->second.file, study.grid, study.classes, it->second.resample);
    return classCounts(loadLanduse(study, year));
}

raster::ClassGrid loadLanduse(const StudyArea& study, int year) {
    auto it = study.landuse.find(year);
    if (it == study.landuse.end())
        throw ConfigError(cat(study.path, ": the study has no land-use map for ", year));
    const LayerSpec& spec = it->second;
    if (!spec.file.empty()) return readClassRaster(spec.file, study.grid, study.classes, spec.resample);

    VectorSource src{spec.polygons, spec.layer, spec.encoding, spec.crs, spec.role};
    vector::VectorLayer layer = readVectorLayer(src, study.grid.crs_wkt, study.invalid_geometry);
    const int code_field = layer.requireField(spec.code_field);
    std::vector<const std::vector<std::uint8_t>*> wkbs;
    std::vector<double> values;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        auto code = layer.value(i, code_field);
        if (!code || code->empty())
            throw InputError(cat(spec.polygons, ": feature ", layer.features[i].fid, " has no '", spec.code_field,
                                 "' value; expected a class code"));
        const raster::ClassInfo* ci = study.classes.byCode(*code);
        if (!ci)
            throw InputError(cat(spec.polygons, ": feature ", layer.features[i].fid, " has class code '", *code,
                                 "', which is not in the study's class table"));
        wkbs.push_back(&layer.features[i].wkb);
        values.push_back(ci->value);
    }
    auto burned = rasterizeGeometries(study.grid, wkbs, values, false, 0);
    raster::ClassGrid out(study.grid.cols, study.grid.rows, raster::kClassNodata);
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint16_t>(burned[i]);
    return out;
}

raster::Grid<float> loadFloatLayer(const StudyArea& study, const std::string& role, float nodata) {
    const LayerSpec& spec = study.layer(role);
    return readFloatRaster(spec.file, study.grid, spec.resample, nodata);
}

raster::Grid<std::uint8_t> boundaryMask(const StudyArea& study) {
    vector::VectorLayer b = loadVector(study, "boundary");
    std::vector<const std::vector<std::uint8_t>*> wkbs;
    std::vector<double> values;
    for (const auto& feat : b.features) {
        wkbs.push_back(&feat.wkb);
        values.push_back(1.0);
    }
    auto burned = rasterizeGeometries(study.grid, wkbs, values, false, 0);
    raster::Grid<std::uint8_t> out(study.grid.cols, study.grid.rows, 0);
    for (size_t i = 0; i < out.size(); ++i) out[i] = burned[i] ? 1 : 0;
    return out;
}

} // namespace xiongguan::io

namespace xiongguan::io {

std::vector<std::string> validateStudyLayers(const StudyArea& study) {
    std::vector<std::string> warnings;
    for (int year : study.landuseYears()) (void)loadLanduse(study, year);
    for (const auto& [role, spec] : study.layers) {
        if (role == "dem" || role == "population") {
            (void)loadFloatLayer(study, role);
            continue;
        }
        vector::VectorLayer layer = loadVector(study, role);
        for (const auto& r : layer.repairs) warnings.push_back(r);
        size_t nulls = 0;
        for (const auto& f : layer.features)
            if (f.wkb.empty()) ++nulls;
        if (nulls)
            warnings.push_back(cat(spec.file, ": layer '", role, "' has ", nulls, " feature(s) with a null or empty geometry"));
        if (layer.features.empty()) warnings.push_back(cat(spec.file, ": layer '", role, "' is empty"));
    }
    return warnings;
}

} // namespace xiongguan::io
