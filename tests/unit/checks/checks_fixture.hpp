#pragma once
// A small study area written to a temporary folder: 1 km x 1 km, 10 m grid, EPSG:4542,
// coordinates 0..1000 m so that areas can be computed by hand.

#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "io/study.hpp"
#include "io/vector_io.hpp"
#include "support/support.hpp"
#include "vector/geos.hpp"

#include <map>
#include <string>
#include <vector>

namespace xiongguan::test {

struct FixtureLayer {
    std::vector<std::string> wkts;                 ///< "" = null geometry
    std::vector<std::string> fields;
    std::vector<std::vector<std::string>> values; ///< "" = null
};

class CheckStudy {
  public:
    std::map<std::string, FixtureLayer> layers;
    raster::Grid<std::uint16_t> landuse{100, 100, 101};
    std::string invalid_geometry = "stop";

    CheckStudy() {
        io::initGdal();
        layers["boundary"] = {{"POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))"}, {"name"}, {{"test"}}};
    }
    const TempDir& dir() const { return m_dir; }

    /// Writes the layers, the land-use raster and study.yaml; returns the study file path.
    std::string write() {
        const std::string wkt = io::crsToWkt("EPSG:4542", "test");
        auto& ctx = vector::threadContext();
        std::string yaml = "name: checks_test\ncrs: EPSG:4542\ninvalid_geometry: " + invalid_geometry +
                           "\ngrid: {origin_x: 0, origin_y: 1000, cell_size_m: 10, cols: 100, rows: 100}\n"
                           "classes:\n"
                           "  - {code: \"0101\", name: Cropland, group: farmland}\n"
                           "  - {code: \"0201\", name: Orchard, group: orchard}\n"
                           "  - {code: \"0301\", name: Forest, group: forest}\n"
                           "  - {code: \"0401\", name: Grassland, group: grassland}\n"
                           "  - {code: \"0701\", name: Residential, group: built, urban_construction: true, residential: true}\n"
                           "  - {code: \"0801\", name: Public services, group: built, urban_construction: true}\n"
                           "  - {code: \"1001\", name: Industrial, group: built, urban_construction: true}\n"
                           "  - {code: \"1701\", name: River, group: water}\n"
                           "  - {code: \"2306\", name: Bare soil, group: bare}\n"
                           "layers:\n"
                           "  landuse:\n    2021: {file: landuse_2021.tif}\n";
        raster::GridSpec spec;
        spec.cols = 100;
        spec.rows = 100;
        spec.origin_x = 0;
        spec.origin_y = 1000;
        spec.cell_size_m = 10;
        spec.crs_wkt = wkt;
        io::writeGeoTiff(m_dir.file("landuse_2021.tif"), landuse, spec, io::RasterWriteOptions{});
        for (const auto& [role, l] : layers) {
            std::vector<io::FieldDef> defs;
            for (const auto& f : l.fields) defs.push_back({f, io::FieldType::String, 0, 0});
            std::vector<io::OutFeature> feats;
            for (size_t i = 0; i < l.wkts.size(); ++i) {
                io::OutFeature f;
                if (!l.wkts[i].empty()) {
                    // Invalid polygons must reach the file as they are: WKT -> WKB without checks.
                    f.wkb = vector::toWkb(ctx, vector::fromWkt(ctx, l.wkts[i]).get());
                }
                for (size_t j = 0; j < l.fields.size(); ++j) {
                    const std::string v = i < l.values.size() && j < l.values[i].size() ? l.values[i][j] : "";
                    f.values.push_back(v.empty() ? io::FieldValue(std::monostate{}) : io::FieldValue(v));
                }
                feats.push_back(std::move(f));
            }
            io::writeVectorLayer(m_dir.file(role + ".gpkg"), role, wkt, io::GeomKind::Unknown, defs, feats);
            yaml += "  " + role + ": {file: " + role + ".gpkg}\n";
        }
        const std::string path = m_dir.file("study.yaml");
        writeFile(path, yaml);
        return path;
    }

  private:
    TempDir m_dir;
};

/// The shared control lines of the rule tests (areas in the comments are by hand).
inline void addControlLines(CheckStudy& s) {
    // Concentrated 0..400 x 0..400 (160,000 m2); flexible 400..460 x 0..400 (24,000 m2 = 15 %);
    // special 0..100 x 400..500 (10,000 m2).
    s.layers["development_boundary"] = {{"POLYGON((0 0,400 0,400 400,0 400,0 0))",
                                          "POLYGON((400 0,460 0,460 400,400 400,400 0))",
                                          "POLYGON((0 400,100 400,100 500,0 500,0 400))"},
                                         {"zone"},
                                         {{"concentrated"}, {"flexible"}, {"special"}}};
    // Core 600..800 x 0..200; general 600..900 x 300..600 with a hole 700..800 x 400..500
    // (80,000 m2); general 100..150 x 700..750 (inside a parcel's hole below).
    s.layers["ecological_redline"] = {{"POLYGON((600 0,800 0,800 200,600 200,600 0))",
                                        "POLYGON((600 300,900 300,900 600,600 600,600 300),(700 400,800 400,800 500,700 500,700 400))",
                                        "POLYGON((100 700,150 700,150 750,100 750,100 700))"},
                                       {"name", "tier"},
                                       {{"Core A", "core"}, {"General B", "general"}, {"General C", "general"}}};
    // Basic farmland 0..300 x 600..900.
    s.layers["basic_farmland"] = {{"POLYGON((0 600,300 600,300 900,0 900,0 600))"}, {"name"}, {{"BF1"}}};
    // Wall along x = 500 from y = 700 to 1000 (protection 50, control 100: outer edge 150 m);
    // a beacon tower at (900, 900) (protection 20, control 30, limit 8 m).
    s.layers["heritage"] = {{"LINESTRING(500 700,500 1000)", "POINT(900 900)"},
                            {"feature_id", "name", "kind", "protection_m", "control_m", "height_limit_m"},
                            {{"W1", "Ming wall", "wall", "50", "100", "12"},
                             {"T1", "Beacon", "beacon_tower", "20", "30", "8"}}};
}

} // namespace xiongguan::test
