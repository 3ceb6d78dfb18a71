#include "io/vector_io.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_env.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "io/ogr_handles.hpp"

namespace xiongguan::io {

using core::cat;
namespace fs = std::filesystem;

namespace {

using detail::CtFree;
using detail::DsCloser;
using detail::DsPtr;
using detail::SrsFree;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool exists(const std::string& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

std::string sibling(const std::string& shp, const char* ext_lower, const char* ext_upper) {
    fs::path p(shp);
    fs::path a = p;
    a.replace_extension(ext_lower);
    if (exists(a.string())) return a.string();
    a.replace_extension(ext_upper);
    if (exists(a.string())) return a.string();
    return {};
}

// Byte 29 of a DBF header: the language driver id (code page), 0 when absent; -1 if unreadable.
int dbfLanguageDriverId(const std::string& dbf) {
    std::FILE* f = std::fopen(dbf.c_str(), "rb");
    if (!f) return -1;
    unsigned char head[32];
    const size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    return n == sizeof head ? head[29] : -1;
}

// Valid UTF-8 is kept (ASCII included); anything else is taken as GBK (CP936) and recoded.
std::string gbkToUtf8IfNeeded(std::string s) {
    if (CPLIsUTF8(s.c_str(), -1)) return s;
    char* rec = CPLRecode(s.c_str(), "CP936", CPL_ENC_UTF8);
    std::string out = rec ? rec : s;
    CPLFree(rec);
    return out;
}

} // namespace

vector::VectorLayer readVectorLayer(const VectorSource& src, const std::string& target_wkt, InvalidPolicy invalid) {
    initGdal();
    const std::string& path = src.path;
    const std::string role = src.role.empty() ? "layer" : src.role;
    if (!exists(path)) throw IoError(path + ": file not found (layer '" + role + "')");

    const bool is_shp = lower(fs::path(path).extension().string()) == ".shp";
    bool detect_gbk = false;
    CPLStringList open_opts;
    if (is_shp) {
        if (sibling(path, ".dbf", ".DBF").empty())
            throw InputError(path + ": the shapefile's .dbf is missing (layer '" + role +
                             "'); expected it beside the .shp");
        if (sibling(path, ".shx", ".SHX").empty())
            throw InputError(path + ": the shapefile's .shx is missing (layer '" + role +
                             "'); expected it beside the .shp");
        if (!src.encoding.empty()) {
            open_opts.SetNameValue("ENCODING", src.encoding.c_str());
        } else if (sibling(path, ".cpg", ".CPG").empty()) {
            // No .cpg. A DBF language driver id (LDID) other than 0 (none) or 0x57 ("ANSI", the
            // writer's system code page) names the code page, and GDAL decodes it. Otherwise read
            // raw bytes, keep valid UTF-8 as is and decode anything else as GBK (CP936), the usual
            // encoding of Chinese shapefiles without a .cpg. `encoding:` overrides all this.
            const int ldid = dbfLanguageDriverId(sibling(path, ".dbf", ".DBF"));
            if (ldid == 0 || ldid == 0x57) {
                open_opts.SetNameValue("ENCODING", "");
                detect_gbk = true;
            }
        }
    }

    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_opts.List(), nullptr);
    if (!ds) throw IoError(path + ": cannot open as a vector layer (layer '" + role + "'): " + lastGdalError());
    DsPtr owner(ds);
    OGRLayerH layer = src.layer.empty() ? GDALDatasetGetLayer(ds, 0) : GDALDatasetGetLayerByName(ds, src.layer.c_str());
    if (!layer)
        throw InputError(path + ": no layer '" + (src.layer.empty() ? std::string("#0") : src.layer) + "' (role '" +
                         role + "')");

    vector::VectorLayer out;
    out.role = role;
    out.path = path;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    out.geometry_type = OGRGeometryTypeToName(OGR_FD_GetGeomType(defn));
    const int nfields = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < nfields; ++i) {
        std::string name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        out.fields.push_back(detect_gbk ? gbkToUtf8IfNeeded(std::move(name)) : name);
    }

    // CRS: from the file unless overridden.
    std::unique_ptr<void, SrsFree> src_srs;
    if (!src.crs.empty()) {
        OGRSpatialReferenceH s = OSRNewSpatialReference(nullptr);
        if (OSRSetFromUserInput(s, src.crs.c_str()) != OGRERR_NONE) {
            OSRDestroySpatialReference(s);
            throw ConfigError(path + ": crs '" + src.crs + "' is not known to PROJ");
        }
        src_srs.reset(s);
    } else if (OGRSpatialReferenceH s = OGR_L_GetSpatialRef(layer)) {
        src_srs.reset(OSRClone(s));
    }
    const bool has_geom = OGR_FD_GetGeomType(defn) != wkbNone;
    std::unique_ptr<void, CtFree> ct;
    if (has_geom && !target_wkt.empty()) {
        if (!src_srs)
            throw InputError(path + ": layer '" + role + "' has no CRS (.prj missing?); expected " +
                             crsShortName(target_wkt) + ", or set 'crs:' for this layer in the study file");
        OSRSetAxisMappingStrategy(static_cast<OGRSpatialReferenceH>(src_srs.get()), OAMS_TRADITIONAL_GIS_ORDER);
        OGRSpatialReferenceH dst = OSRNewSpatialReference(target_wkt.c_str());
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        if (!OSRIsSame(static_cast<OGRSpatialReferenceH>(src_srs.get()), dst)) {
            OGRCoordinateTransformationH t =
                OCTNewCoordinateTransformation(static_cast<OGRSpatialReferenceH>(src_srs.get()), dst);
            if (!t) {
                OSRDestroySpatialReference(dst);
                throw InputError(path + ": cannot transform layer '" + role + "' into " + crsShortName(target_wkt) +
                                 ": " + lastGdalError());
            }
            ct.reset(t);
        }
        OSRDestroySpatialReference(dst);
    }

    vector::Context& ctx = vector::threadContext();
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != nullptr) {
        vector::Feature feat;
        feat.fid = OGR_F_GetFID(f);
        feat.values.resize(static_cast<size_t>(nfields));
        for (int i = 0; i < nfields; ++i) {
            if (!OGR_F_IsFieldSetAndNotNull(f, i)) continue;
            if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) == OFTReal) {
                // Round-trip exact text (OGR's own string form keeps 15 digits, so 1/3 would come
                // back just under one third and flip a threshold comparison).
                char buf[40];
                std::snprintf(buf, sizeof buf, "%.17g", OGR_F_GetFieldAsDouble(f, i));
                feat.values[static_cast<size_t>(i)] = std::string(buf);
                continue;
            }
            std::string v = OGR_F_GetFieldAsString(f, i);
            feat.values[static_cast<size_t>(i)] = detect_gbk ? gbkToUtf8IfNeeded(std::move(v)) : std::move(v);
        }
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g)) {
            if (ct && OGR_G_Transform(g, static_cast<OGRCoordinateTransformationH>(ct.get())) != OGRERR_NONE) {
                OGR_F_Destroy(f);
                throw InputError(cat(path, ": feature ", feat.fid, " of layer '", role,
                                     "' cannot be transformed into ", crsShortName(target_wkt)));
            }
            OGR_G_FlattenTo2D(g);
            std::vector<std::uint8_t> wkb(static_cast<size_t>(OGR_G_WkbSize(g)));
            OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data());
            vector::GeomPtr geom;
            try {
                geom = detail::decodeFeatureWkb(ctx, wkb, path, feat.fid, role);
                detail::checkPolygonValidity(ctx, geom, wkb, path, feat.fid, role, invalid, out.repairs);
            } catch (...) {
                OGR_F_Destroy(f);
                throw;
            }
            feat.env = vector::envelope(ctx, geom.get());
            feat.wkb = std::move(wkb);
        }
        OGR_F_Destroy(f);
        out.features.push_back(std::move(feat));
    }
    for (const auto& r : out.repairs) core::logWarn("load", r);
    return out;
}

vector::GeomPtr detail::decodeFeatureWkb(vector::Context& ctx, const std::vector<std::uint8_t>& wkb,
                                         const std::string& path, std::int64_t fid, const std::string& role) {
    try {
        return vector::fromWkb(ctx, wkb);
    } catch (const GeometryError& e) {
        throw InputError(cat(path, ": feature ", fid, " of layer '", role, "' has a geometry GEOS cannot read (", e.what(),
                             "); expected points, lines or polygons (curves must be linearized first, e.g. "
                             "ogr2ogr -nlt CONVERT_TO_LINEAR)"));
    }
}

void detail::checkPolygonValidity(vector::Context& ctx, vector::GeomPtr& geom, std::vector<std::uint8_t>& wkb,
                                  const std::string& path, std::int64_t fid, const std::string& role,
                                  InvalidPolicy invalid, std::vector<std::string>& repairs) {
    const int type = GEOSGeomTypeId_r(ctx.handle(), geom.get());
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) return;
    const std::string reason = vector::invalidReason(ctx, geom.get());
    if (reason.empty()) return;
    if (invalid == InvalidPolicy::Stop)
        throw GeometryError(cat(path, ": feature ", fid, " of layer '", role, "' is an invalid polygon: ", reason,
                                "; fix it, or set 'invalid_geometry: repair' in the study file"));
    vector::GeomPtr fixed = vector::polygonalPart(ctx, vector::makeValid(ctx, geom.get()).get());
    // The area of the invalid input is not meaningful (a bow-tie's lobes cancel out), so only the
    // repaired area is reported.
    char area[64];
    std::snprintf(area, sizeof area, "%.1f", vector::area(ctx, fixed.get()));
    repairs.push_back(cat(path, ": feature ", fid, " of layer '", role, "' repaired with MakeValid (", reason,
                          "); area now ", area, " m2"));
    geom = std::move(fixed);
    wkb = vector::toWkb(ctx, geom.get());
}

std::string shapefileFieldName(const std::string& name) {
    // Documented in docs/FIELDS.md: keep this table and that page in step.
    static const std::map<std::string, std::string> table = {
        {"parcel_id", "parcel_id"},       {"rule_id", "rule_id"},
        {"area_m2", "area_m2"},           {"share_of_parcel", "share"},
        {"parcel_area_m2", "parcel_m2"},  {"intended_use", "use_code"},
        {"building_height_m", "height_m"}, {"height_limit_m", "hlimit_m"},
        {"years_idle", "yrs_idle"},       {"idle_fee_yuan", "fee_yuan"},
        {"land_price_yuan", "price_yuan"}, {"contract_start", "contr_strt"},
        {"actual_start", "act_start"},    {"developed_share", "dev_share"},
        {"invested_share", "inv_share"},  {"suspended_since", "susp_since"},
        {"feature_id", "feat_id"},        {"feature_name", "feat_name"},
        {"class_code", "class_code"},     {"class_name", "class_name"},
        {"overlap_a", "overlap_a"},       {"overlap_b", "overlap_b"},
        {"coverage_gain_m2", "cov_gain"}, {"water_m3_per_year", "water_m3"},
        {"evidence", "evidence"},         {"disposal", "disposal"},
    };
    auto it = table.find(name);
    if (it != table.end()) return it->second;
    return name.size() <= 10 ? name : name.substr(0, 10);
}

void writeVectorLayer(const std::string& path, const std::string& layer_name, const std::string& crs_wkt,
                      GeomKind kind, const std::vector<FieldDef>& fields, const std::vector<OutFeature>& features) {
    initGdal();
    const std::string ext = lower(fs::path(path).extension().string());
    const char* driver_name = ext == ".shp" ? "ESRI Shapefile" : ext == ".gpkg" ? "GPKG"
                              : (ext == ".geojson" || ext == ".json") ? "GeoJSON" : nullptr;
    if (!driver_name) throw IoError(path + ": unknown vector format (expected .shp, .gpkg or .geojson)");
    const bool shp = ext == ".shp";
    requireParentFolder(path);

    // Field names as written, checked for collisions in shapefiles.
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& fd : fields) {
        std::string n = shp ? shapefileFieldName(fd.name) : fd.name;
        if (!seen.insert(lower(n)).second)
            throw IoError(path + ": field '" + fd.name + "' maps to '" + n + "', which another field already uses");
        names.push_back(n);
    }

    // Shapefiles are several files: write them into a temporary folder, then move each in.
    const std::string tmp_dir = tempPathFor(path) + ".d";
    const std::string tmp_path = shp ? (fs::path(tmp_dir) / fs::path(path).filename()).string() : tempPathFor(path) + ext;
    if (shp) makeDirs(tmp_dir);
    auto cleanup = [&]() {
        std::error_code ec;
        if (shp) fs::remove_all(tmp_dir, ec);
        else fs::remove(tmp_path, ec);
    };

    GDALDriverH drv = GDALGetDriverByName(driver_name);
    GDALDatasetH ds = GDALCreate(drv, tmp_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!ds) {
        cleanup();
        throw IoError(path + ": cannot create: " + lastGdalError());
    }
    OGRSpatialReferenceH srs = crs_wkt.empty() ? nullptr : OSRNewSpatialReference(crs_wkt.c_str());
    if (srs) OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRwkbGeometryType gt = kind == GeomKind::Polygon        ? wkbPolygon
                            : kind == GeomKind::MultiPolygon ? wkbMultiPolygon
                            : kind == GeomKind::LineString   ? wkbLineString
                            : kind == GeomKind::Point        ? wkbPoint
                                                             : wkbUnknown;
    CPLStringList lco;
    if (shp) {
        lco.SetNameValue("ENCODING", "UTF-8");
        lco.SetNameValue("DBF_DATE_LAST_UPDATE", "2000-01-01");
    }
    if (ext == ".gpkg") lco.SetNameValue("SPATIAL_INDEX", "YES");
    OGRLayerH layer = GDALDatasetCreateLayer(ds, layer_name.c_str(), srs, gt, lco.List());
    if (srs) OSRDestroySpatialReference(srs);
    auto fail = [&](const std::string& what) {
        GDALClose(ds);
        cleanup();
        throw IoError(path + ": " + what + ": " + lastGdalError());
    };
    if (!layer) fail("cannot create layer");
    for (size_t i = 0; i < fields.size(); ++i) {
        const auto& fd = fields[i];
        OGRFieldType t = fd.type == FieldType::Integer ? OFTInteger64 : fd.type == FieldType::Real ? OFTReal : OFTString;
        OGRFieldDefnH fdef = OGR_Fld_Create(names[i].c_str(), t);
        if (fd.width > 0) OGR_Fld_SetWidth(fdef, fd.width);
        else if (shp && t == OFTString) OGR_Fld_SetWidth(fdef, 254);
        else if (shp && t == OFTReal) OGR_Fld_SetWidth(fdef, 24);
        if (fd.precision > 0) OGR_Fld_SetPrecision(fdef, fd.precision);
        else if (shp && t == OFTReal) OGR_Fld_SetPrecision(fdef, 6);
        if (OGR_L_CreateField(layer, fdef, TRUE) != OGRERR_NONE) {
            OGR_Fld_Destroy(fdef);
            fail("cannot create field '" + fd.name + "'");
        }
        OGR_Fld_Destroy(fdef);
    }
    const bool txn = ext == ".gpkg";
    if (txn && OGR_L_StartTransaction(layer) != OGRERR_NONE) fail("cannot start a transaction");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (const auto& of : features) {
        OGRFeatureH f = OGR_F_Create(defn);
        for (size_t i = 0; i < of.values.size() && i < fields.size(); ++i) {
            const int idx = static_cast<int>(i);
            const auto& v = of.values[i];
            if (std::holds_alternative<std::int64_t>(v)) OGR_F_SetFieldInteger64(f, idx, std::get<std::int64_t>(v));
            else if (std::holds_alternative<double>(v)) OGR_F_SetFieldDouble(f, idx, std::get<double>(v));
            else if (std::holds_alternative<std::string>(v)) OGR_F_SetFieldString(f, idx, std::get<std::string>(v).c_str());
            else OGR_F_SetFieldNull(f, idx);
        }
        if (!of.wkb.empty()) {
            OGRGeometryH g = nullptr;
            if (OGR_G_CreateFromWkb(of.wkb.data(), nullptr, &g, static_cast<int>(of.wkb.size())) != OGRERR_NONE) {
                OGR_F_Destroy(f);
                fail("bad geometry in output feature");
            }
            if (kind == GeomKind::MultiPolygon && wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon)
                g = OGR_G_ForceToMultiPolygon(g);
            OGR_F_SetGeometryDirectly(f, g);
        }
        if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE) {
            OGR_F_Destroy(f);
            fail("cannot write feature");
        }
        OGR_F_Destroy(f);
    }
    if (txn && OGR_L_CommitTransaction(layer) != OGRERR_NONE) fail("commit failed");
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        cleanup();
        throw IoError(path + ": closing failed: " + lastGdalError());
    }
    if (shp) {
        // Move the side files first and the .shp last, so a complete-looking .shp means complete.
        const fs::path dir = fs::path(path).parent_path();
        const std::string stem = fs::path(path).stem().string();
        std::vector<fs::path> parts;
        for (const auto& e : fs::directory_iterator(tmp_dir)) parts.push_back(e.path());
        std::sort(parts.begin(), parts.end(), [](const fs::path& a, const fs::path& b) {
            const bool as = lower(a.extension().string()) == ".shp", bs = lower(b.extension().string()) == ".shp";
            return as != bs ? bs : a < b;
        });
        // Side files of an older shapefile of the same name that we do not write (spatial indexes)
        // would describe the old geometries: remove them.
        for (const char* ext_old : {".qix", ".sbn", ".sbx", ".QIX", ".SBN", ".SBX"})
            removeIfExists((dir / (stem + ext_old)).string());
        for (const auto& p : parts) renameInto(p.string(), (dir / (stem + p.extension().string())).string());
        std::error_code ec;
        fs::remove_all(tmp_dir, ec);
    } else {
        renameInto(tmp_path, path);
    }
}

raster::Grid<std::int32_t> rasterizeGeometries(const raster::GridSpec& grid,
                                               const std::vector<const std::vector<std::uint8_t>*>& wkbs,
                                               const std::vector<double>& values, bool all_touched,
                                               std::int32_t background) {
    initGdal();
    raster::Grid<std::int32_t> out(grid.cols, grid.rows, background);
    GDALDriverH mem = GDALGetDriverByName("MEM");
    // Wrap our buffer as a MEM dataset (no copy).
    char ptr_opt[64];
    std::snprintf(ptr_opt, sizeof ptr_opt, "DATAPOINTER=%p", static_cast<void*>(out.data()));
    GDALDatasetH ds = GDALCreate(mem, "", grid.cols, grid.rows, 0, GDT_Int32, nullptr);
    const char* band_opts[] = {ptr_opt, nullptr};
    GDALAddBand(ds, GDT_Int32, const_cast<char**>(band_opts));
    double gt[6];
    grid.geoTransform(gt);
    GDALSetGeoTransform(ds, gt);
    std::vector<OGRGeometryH> geoms;
    std::vector<double> burn;
    for (size_t i = 0; i < wkbs.size(); ++i) {
        if (!wkbs[i] || wkbs[i]->empty()) continue;
        OGRGeometryH g = nullptr;
        if (OGR_G_CreateFromWkb(wkbs[i]->data(), nullptr, &g, static_cast<int>(wkbs[i]->size())) != OGRERR_NONE)
            continue;
        geoms.push_back(g);
        burn.push_back(values[i]);
    }
    int band = 1;
    CPLStringList opts;
    if (all_touched) opts.SetNameValue("ALL_TOUCHED", "TRUE");
    CPLErr err = CE_None;
    if (!geoms.empty())
        err = GDALRasterizeGeometries(ds, 1, &band, static_cast<int>(geoms.size()), geoms.data(), nullptr, nullptr,
                                      burn.data(), opts.List(), nullptr, nullptr);
    for (auto g : geoms) OGR_G_DestroyGeometry(g);
    GDALClose(ds);
    if (err != CE_None) throw IoError("rasterize failed: " + lastGdalError());
    return out;
}

std::vector<std::pair<std::vector<std::uint8_t>, std::int32_t>>
polygonizeGrid(const raster::Grid<std::int32_t>& grid, const raster::GridSpec& spec, bool eight) {
    initGdal();
    GDALDriverH mem = GDALGetDriverByName("MEM");
    char ptr_opt[64];
    std::snprintf(ptr_opt, sizeof ptr_opt, "DATAPOINTER=%p", static_cast<const void*>(grid.data()));
    GDALDatasetH ds = GDALCreate(mem, "", spec.cols, spec.rows, 0, GDT_Int32, nullptr);
    const char* band_opts[] = {ptr_opt, nullptr};
    GDALAddBand(ds, GDT_Int32, const_cast<char**>(band_opts));
    double gt[6];
    spec.geoTransform(gt);
    GDALSetGeoTransform(ds, gt);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(band, 0);
    GDALDriverH vmem = GDALGetDriverByName("Memory");
    GDALDatasetH vds = GDALCreate(vmem, "", 0, 0, 0, GDT_Unknown, nullptr);
    OGRLayerH layer = GDALDatasetCreateLayer(vds, "poly", nullptr, wkbPolygon, nullptr);
    OGRFieldDefnH fd = OGR_Fld_Create("value", OFTInteger);
    OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    CPLStringList opts;
    if (eight) opts.SetNameValue("8CONNECTED", "8");
    CPLErr err = GDALPolygonize(band, band, layer, 0, opts.List(), nullptr, nullptr);
    std::vector<std::pair<std::vector<std::uint8_t>, std::int32_t>> out;
    if (err == CE_None) {
        OGR_L_ResetReading(layer);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(layer)) != nullptr) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            std::vector<std::uint8_t> wkb(static_cast<size_t>(OGR_G_WkbSize(g)));
            OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data());
            out.emplace_back(std::move(wkb), OGR_F_GetFieldAsInteger(f, 0));
            OGR_F_Destroy(f);
        }
    }
    GDALClose(vds);
    GDALClose(ds);
    if (err != CE_None) throw IoError("polygonize failed: " + lastGdalError());
    return out;
}

} // namespace xiongguan::io
