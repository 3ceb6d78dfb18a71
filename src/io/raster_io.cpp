#include "io/raster_io.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_env.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <gdalwarper.h>
#include <ogr_srs_api.h>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

namespace xiongguan::io {

using core::cat;

namespace {

struct DatasetCloser {
    void operator()(void* ds) const {
        if (ds) GDALClose(static_cast<GDALDatasetH>(ds));
    }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

std::string describeGrid(const raster::GridSpec& g) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%dx%d cells of %g m at (%.3f, %.3f)", g.cols, g.rows, g.cell_size_m,
                  g.origin_x, g.origin_y);
    return std::string(crsShortName(g.crs_wkt)) + ", " + buf;
}

// GDAL messages raised on this thread while opening a dataset. libtiff reports a GeoTIFF cut short
// inside its tags only as warnings ("IO error during reading of ...; tag ignored") and GDAL then
// opens the file without its CRS: we treat those as the read errors they are.
struct OpenMessages {
    std::string problem; // first failure, or first warning that says the file is short or unreadable
    static void CPL_STDCALL collect(CPLErr cls, CPLErrorNum, const char* msg) {
        auto* self = static_cast<OpenMessages*>(CPLGetErrorHandlerUserData());
        const std::string m = msg ? msg : "";
        core::logDebug("gdal", m);
        const bool io_warning = m.find("IO error") != std::string::npos || m.find("Read error") != std::string::npos ||
                                m.find("truncated") != std::string::npos;
        if (self->problem.empty() && (cls == CE_Failure || cls == CE_Fatal || io_warning)) self->problem = m;
    }
};

DatasetPtr openRaster(const std::string& path) {
    initGdal();
    CPLErrorReset();
    OpenMessages messages;
    CPLPushErrorHandlerEx(&OpenMessages::collect, &messages);
    GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    CPLPopErrorHandler();
    if (!ds) {
        std::string why = messages.problem.empty() ? lastGdalError() : messages.problem;
        throw IoError(cat(path, ": cannot open as a raster", why.empty() ? "" : ": " + why));
    }
    if (!messages.problem.empty()) {
        GDALClose(ds);
        if (messages.problem.rfind(path + ": ", 0) == 0) messages.problem.erase(0, path.size() + 2);
        throw IoError(path + ": cannot read the raster (truncated or corrupt file?): " + messages.problem);
    }
    if (GDALGetRasterCount(ds) < 1) {
        GDALClose(ds);
        throw InputError(path + ": raster has no band");
    }
    return DatasetPtr(ds);
}

raster::GridSpec gridOf(GDALDatasetH ds, const std::string& path) {
    raster::GridSpec g;
    g.cols = GDALGetRasterXSize(ds);
    g.rows = GDALGetRasterYSize(ds);
    double gt[6];
    if (GDALGetGeoTransform(ds, gt) != CE_None)
        throw InputError(path + ": raster has no geotransform (expected a georeferenced raster)");
    if (gt[2] != 0.0 || gt[4] != 0.0 || std::abs(gt[1] + gt[5]) > 1e-9 * std::abs(gt[1]))
        throw InputError(cat(path, ": raster is rotated or has non-square cells (", gt[1], " x ", -gt[5],
                             "); expected a north-up grid of square cells"));
    g.origin_x = gt[0];
    g.origin_y = gt[3];
    g.cell_size_m = gt[1];
    const char* wkt = GDALGetProjectionRef(ds);
    g.crs_wkt = wkt ? wkt : "";
    return g;
}

// Whether the file's grid matches the study grid; the CRS must match too.
bool matches(const raster::GridSpec& file, const raster::GridSpec& want) {
    if (!file.sameGrid(want)) return false;
    if (want.crs_wkt.empty() || file.crs_wkt.empty()) return want.crs_wkt.empty() == file.crs_wkt.empty();
    return sameCrs(file.crs_wkt, want.crs_wkt);
}

// Warps band 1 of `src` onto `want` into a MEM dataset of type `type`.
DatasetPtr warpTo(GDALDatasetH src, const raster::GridSpec& want, GDALDataType type, GDALResampleAlg alg,
                  double dst_nodata, const std::string& path) {
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDatasetH dst = GDALCreate(mem, "", want.cols, want.rows, 1, type, nullptr);
    double gt[6];
    want.geoTransform(gt);
    GDALSetGeoTransform(dst, gt);
    GDALSetProjection(dst, want.crs_wkt.c_str());
    GDALRasterBandH band = GDALGetRasterBand(dst, 1);
    GDALSetRasterNoDataValue(band, dst_nodata);
    GDALFillRaster(band, dst_nodata, 0);
    DatasetPtr out(dst);

    GDALWarpOptions* wo = GDALCreateWarpOptions();
    wo->hSrcDS = src;
    wo->hDstDS = dst;
    wo->nBandCount = 1;
    wo->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panSrcBands[0] = 1;
    wo->panDstBands[0] = 1;
    wo->eResampleAlg = alg;
    wo->padfDstNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
    wo->padfDstNoDataReal[0] = dst_nodata;
    int has_nodata = 0;
    double src_nodata = GDALGetRasterNoDataValue(GDALGetRasterBand(src, 1), &has_nodata);
    if (has_nodata) {
        wo->padfSrcNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
        wo->padfSrcNoDataReal[0] = src_nodata;
    }
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
    wo->pTransformerArg = GDALCreateGenImgProjTransformer2(src, dst, nullptr);
    if (!wo->pTransformerArg) {
        GDALDestroyWarpOptions(wo);
        throw InputError(path + ": cannot transform raster onto the study grid: " + lastGdalError());
    }
    wo->pfnTransformer = GDALGenImgProjTransform;
    GDALWarpOperationH op = GDALCreateWarpOperation(wo);
    CPLErr err = op ? GDALChunkAndWarpImage(op, 0, 0, want.cols, want.rows) : CE_Failure;
    if (op) GDALDestroyWarpOperation(op);
    GDALDestroyGenImgProjTransformer(wo->pTransformerArg);
    GDALDestroyWarpOptions(wo);
    if (err != CE_None) throw IoError(path + ": warping onto the study grid failed: " + lastGdalError());
    return out;
}

template <typename T>
void readBand(GDALDatasetH ds, raster::Grid<T>& out, GDALDataType type, const std::string& path) {
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    CPLErrorReset();
    CPLErr err = GDALRasterIO(band, GF_Read, 0, 0, out.cols(), out.rows(), out.data(), out.cols(), out.rows(),
                              type, 0, 0);
    if (err != CE_None)
        throw IoError(path + ": read failed (truncated or corrupt file?): " + lastGdalError());
}

// Band 1 of a file already opened (and checked) as `ds`, read in row bands side by side, each band
// through a dataset handle of its own (a GDAL dataset is not safe to share between threads). The
// bands follow the file's block rows and their number is fixed, so the split does not depend on the
// thread count; small rasters are read in one piece.
template <typename T>
void readBandParallel(GDALDatasetH ds, raster::Grid<T>& out, GDALDataType type, const std::string& path) {
    constexpr std::size_t kMinCells = std::size_t(1) << 22;
    constexpr int kBands = 8;
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    int block_w = 0, block_h = 0;
    GDALGetBlockSize(band, &block_w, &block_h);
    const int rows = out.rows(), cols = out.cols();
    if (out.size() < kMinCells || block_h <= 0 || rows < 2 * block_h) return readBand(ds, out, type, path);
    const int block_rows = (rows + block_h - 1) / block_h;
    const int bands = std::min(kBands, block_rows);
    std::vector<std::string> errors(static_cast<std::size_t>(bands));
    tbb::parallel_for(0, bands, [&](int b) {
        const int r0 = static_cast<int>(static_cast<std::int64_t>(block_rows) * b / bands) * block_h;
        const int r1 = std::min(rows, static_cast<int>(static_cast<std::int64_t>(block_rows) * (b + 1) / bands) * block_h);
        if (r1 <= r0) return;
        GDALDatasetH h = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
        if (!h) {
            errors[static_cast<std::size_t>(b)] = path + ": cannot reopen for reading: " + lastGdalError();
            return;
        }
        DatasetPtr owner(h);
        CPLErrorReset();
        const CPLErr err = GDALRasterIO(GDALGetRasterBand(h, 1), GF_Read, 0, r0, cols, r1 - r0,
                                        out.data() + static_cast<std::size_t>(r0) * cols, cols, r1 - r0, type, 0, 0);
        if (err != CE_None)
            errors[static_cast<std::size_t>(b)] = path + ": read failed (truncated or corrupt file?): " + lastGdalError();
    });
    for (const auto& e : errors)
        if (!e.empty()) throw IoError(e);
}

GDALResampleAlg toGdal(Resample r) {
    switch (r) {
    case Resample::Bilinear: return GRA_Bilinear;
    case Resample::Average: return GRA_Average;
    case Resample::Mode: return GRA_Mode;
    default: return GRA_NearestNeighbour;
    }
}

template <typename T> GDALDataType gdalType();
template <> GDALDataType gdalType<std::uint8_t>() { return GDT_Byte; }
template <> GDALDataType gdalType<std::uint16_t>() { return GDT_UInt16; }
template <> GDALDataType gdalType<std::uint32_t>() { return GDT_UInt32; }
template <> GDALDataType gdalType<float>() { return GDT_Float32; }

template <typename T>
void writeImpl(const std::string& path, const raster::Grid<T>& grid, const raster::GridSpec& spec,
               const RasterWriteOptions& opt) {
    initGdal();
    if (grid.cols() != spec.cols || grid.rows() != spec.rows)
        throw Error(ErrorCode::Internal, cat("writeGeoTiff ", path, ": grid ", grid.cols(), "x", grid.rows(),
                                             " does not match spec ", spec.cols, "x", spec.rows));
    requireParentFolder(path);
    const std::string tmp = tempPathFor(path) + ".tif";
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    const bool is_class = opt.classes != nullptr;
    CPLStringList co;
    co.SetNameValue("TILED", "YES");
    co.SetNameValue("BLOCKXSIZE", "256");
    co.SetNameValue("BLOCKYSIZE", "256");
    co.SetNameValue("COMPRESS", "DEFLATE");
    co.SetNameValue("BIGTIFF", "IF_SAFER");
    if (!is_class && gdalType<T>() == GDT_Float32) co.SetNameValue("PREDICTOR", "3");
    // Overviews inside the file, compressed the same way; the option is reset however we leave.
    struct OverviewCompression {
        OverviewCompression() { CPLSetThreadLocalConfigOption("COMPRESS_OVERVIEW", "DEFLATE"); }
        ~OverviewCompression() { CPLSetThreadLocalConfigOption("COMPRESS_OVERVIEW", nullptr); }
    } overview_compression;
    GDALDatasetH ds = GDALCreate(drv, tmp.c_str(), spec.cols, spec.rows, 1, gdalType<T>(), co.List());
    if (!ds) throw IoError(path + ": cannot create GeoTIFF: " + lastGdalError());
    auto fail = [&](const std::string& what) {
        GDALClose(ds);
        removeIfExists(tmp);
        removeIfExists(tmp + ".aux.xml");
        throw IoError(path + ": " + what + ": " + lastGdalError());
    };
    double gt[6];
    spec.geoTransform(gt);
    GDALSetGeoTransform(ds, gt);
    if (!spec.crs_wkt.empty()) GDALSetProjection(ds, spec.crs_wkt.c_str());
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    if (opt.nodata) GDALSetRasterNoDataValue(band, *opt.nodata);
    if (!opt.description.empty()) GDALSetDescription(band, opt.description.c_str());
    if (!opt.units.empty()) GDALSetRasterUnitType(band, opt.units.c_str());
    if (is_class) {
        const raster::ClassTable& ct = *opt.classes;
        GDALColorTableH colors = GDALCreateColorTable(GPI_RGB);
        std::vector<std::string> names(static_cast<size_t>(ct.maxValue()) + 1);
        for (int v = 0; v <= ct.maxValue(); ++v) {
            GDALColorEntry e{0, 0, 0, 0};
            if (const auto* c = ct.byValue(static_cast<std::uint16_t>(v))) {
                e = {c->rgb[0], c->rgb[1], c->rgb[2], 255};
                names[static_cast<size_t>(v)] = c->code + " " + c->name;
            }
            GDALSetColorEntry(colors, v, &e);
        }
        GDALSetRasterColorTable(band, colors);
        GDALDestroyColorTable(colors);
        CPLStringList cat_names;
        for (const auto& n : names) cat_names.AddString(n.c_str());
        GDALSetRasterCategoryNames(band, cat_names.List());
        GDALSetRasterColorInterpretation(band, GCI_PaletteIndex);
    }
    CPLErr err = GDALRasterIO(band, GF_Write, 0, 0, spec.cols, spec.rows, const_cast<T*>(grid.data()),
                              spec.cols, spec.rows, gdalType<T>(), 0, 0);
    if (err != CE_None) fail("write failed");
    // Overviews by factors of 2 until the smaller side is under 256 cells.
    std::vector<int> levels;
    for (int f = 2; std::min(spec.cols, spec.rows) / f >= 128; f *= 2) levels.push_back(f);
    if (!levels.empty()) {
        err = GDALBuildOverviews(ds, is_class ? "NEAREST" : "AVERAGE", static_cast<int>(levels.size()),
                                 levels.data(), 0, nullptr, nullptr, nullptr);
        if (err != CE_None) fail("overviews failed");
    }
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        removeIfExists(tmp);
        removeIfExists(tmp + ".aux.xml");
        throw IoError(path + ": closing the GeoTIFF failed: " + lastGdalError());
    }
    // Category names live in the PAM side file; move it first so the .tif appears complete.
    if (FILE* f = std::fopen((tmp + ".aux.xml").c_str(), "rb")) {
        std::fclose(f);
        renameInto(tmp + ".aux.xml", path + ".aux.xml");
    } else {
        removeIfExists(path + ".aux.xml");
    }
    renameInto(tmp, path);
}

} // namespace

Resample parseResample(const std::string& s, const std::string& context) {
    if (s.empty() || s == "refuse") return Resample::Refuse;
    if (s == "nearest") return Resample::Nearest;
    if (s == "bilinear") return Resample::Bilinear;
    if (s == "average") return Resample::Average;
    if (s == "mode") return Resample::Mode;
    throw ConfigError(context + ": resample '" + s + "' is not one of refuse, nearest, bilinear, average, mode");
}

raster::GridSpec rasterGridOf(const std::string& path) {
    auto ds = openRaster(path);
    return gridOf(static_cast<GDALDatasetH>(ds.get()), path);
}

raster::Grid<float> readFloatRaster(const std::string& path, const raster::GridSpec& grid, Resample resample,
                                    float nodata) {
    auto ds = openRaster(path);
    GDALDatasetH h = static_cast<GDALDatasetH>(ds.get());
    raster::GridSpec file = gridOf(h, path);
    raster::Grid<float> out(grid.cols, grid.rows, nodata);
    if (matches(file, grid)) {
        readBandParallel(h, out, GDT_Float32, path);
        int has = 0;
        double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(h, 1), &has);
        if (has) {
            const float ndf = static_cast<float>(nd);
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, out.size(), std::size_t(1) << 16),
                              [&](const tbb::blocked_range<std::size_t>& r) {
                                  float* v = out.data();
                                  for (std::size_t i = r.begin(); i != r.end(); ++i)
                                      if (v[i] == ndf || std::isnan(v[i])) v[i] = nodata;
                              });
        }
        return out;
    }
    if (resample == Resample::Refuse)
        throw InputError(path + ": raster is on " + describeGrid(file) + "; expected the study grid " +
                         describeGrid(grid) + " (set 'resample:' for this layer to warp it)");
    if (file.crs_wkt.empty()) throw InputError(path + ": raster has no CRS; expected " + crsShortName(grid.crs_wkt));
    auto warped = warpTo(h, grid, GDT_Float32, toGdal(resample), nodata, path);
    readBand(static_cast<GDALDatasetH>(warped.get()), out, GDT_Float32, path);
    return out;
}

raster::ClassGrid readClassRaster(const std::string& path, const raster::GridSpec& grid,
                                  const raster::ClassTable& classes, Resample resample) {
    auto ds = openRaster(path);
    GDALDatasetH h = static_cast<GDALDatasetH>(ds.get());
    raster::GridSpec file = gridOf(h, path);
    raster::ClassGrid out(grid.cols, grid.rows, raster::kClassNodata);
    int has = 0;
    double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(h, 1), &has);
    if (matches(file, grid)) {
        readBandParallel(h, out, GDT_UInt16, path);
    } else {
        if (resample == Resample::Refuse)
            throw InputError(path + ": raster is on " + describeGrid(file) + "; expected the study grid " +
                             describeGrid(grid) + " (set 'resample: nearest' for this layer to warp it)");
        if (resample != Resample::Nearest && resample != Resample::Mode)
            throw ConfigError(path + ": a class raster can only be resampled with 'nearest' or 'mode'");
        if (file.crs_wkt.empty())
            throw InputError(path + ": raster has no CRS; expected " + crsShortName(grid.crs_wkt));
        auto warped = warpTo(h, grid, GDT_UInt16, toGdal(resample), 0.0, path);
        readBand(static_cast<GDALDatasetH>(warped.get()), out, GDT_UInt16, path);
    }
    // Nodata to the class nodata, and every other value must be in the class table: one pass, in
    // parallel over rows; the first bad cell in row order is the one reported.
    std::vector<char> known(65536, 0);
    for (std::uint32_t v = 0; v < 65536; ++v) known[v] = v == raster::kClassNodata || classes.byValue(static_cast<std::uint16_t>(v));
    const bool map_nd = has && nd != 0.0 && nd >= 0 && nd <= 65535;
    const auto nd16 = static_cast<std::uint16_t>(map_nd ? nd : 0);
    if (map_nd) known[nd16] = 1;
    const int cols = out.cols();
    std::vector<int> bad_col(static_cast<std::size_t>(out.rows()), -1);
    tbb::parallel_for(tbb::blocked_range<int>(0, out.rows(), 16), [&](const tbb::blocked_range<int>& rr) {
        for (int r = rr.begin(); r != rr.end(); ++r) {
            std::uint16_t* row = out.data() + static_cast<std::size_t>(r) * cols;
            bool bad = false;
            for (int c = 0; c < cols; ++c) {
                if (map_nd && row[c] == nd16) row[c] = raster::kClassNodata;
                bad |= !known[row[c]];
            }
            if (!bad) continue;
            for (int c = 0; c < cols; ++c)
                if (!known[row[c]]) {
                    bad_col[static_cast<std::size_t>(r)] = c;
                    break;
                }
        }
    });
    for (int r = 0; r < out.rows(); ++r) {
        const int c = bad_col[static_cast<std::size_t>(r)];
        if (c < 0) continue;
        const std::uint16_t v = out.at(c, r);
        char xy[96];
        std::snprintf(xy, sizeof xy, "(%.1f, %.1f)", grid.centreX(c), grid.centreY(r));
        throw InputError(cat(path, ": cell (col ", c, ", row ", r, ") at ", xy, " has class value ", v,
                             ", which is not in the study's class table"));
    }
    return out;
}

std::vector<std::uint64_t> classCounts(const raster::ClassGrid& grid) {
    std::vector<std::uint64_t> counts(65536, 0);
    for (std::uint16_t v : grid.values()) ++counts[v];
    return counts;
}

std::vector<std::uint64_t> classRasterCounts(const std::string& path, const raster::GridSpec& grid,
                                             const raster::ClassTable& classes, Resample resample) {
    constexpr size_t kValues = 65536;
    auto viaGrid = [&]() { return classCounts(readClassRaster(path, grid, classes, resample)); };
    auto ds = openRaster(path);
    GDALDatasetH h = static_cast<GDALDatasetH>(ds.get());
    if (!matches(gridOf(h, path), grid)) return viaGrid();
    GDALRasterBandH band = GDALGetRasterBand(h, 1);
    const GDALDataType type = GDALGetRasterDataType(band);
    int bw = 0, bh = 0;
    GDALGetBlockSize(band, &bw, &bh);
    if ((type != GDT_Byte && type != GDT_UInt16) || bw <= 0 || bh <= 0) return viaGrid();
    int has = 0;
    const double nd = GDALGetRasterNoDataValue(band, &has);
    const int cols = grid.cols, rows = grid.rows;
    const int bx_count = (cols + bw - 1) / bw, by_count = (rows + bh - 1) / bh;
    const int bands = std::min(8, by_count);
    std::vector<std::vector<std::uint64_t>> part(static_cast<size_t>(bands));
    std::vector<std::string> errors(static_cast<size_t>(bands));
    tbb::parallel_for(0, bands, [&](int b) {
        const int by0 = static_cast<int>(static_cast<std::int64_t>(by_count) * b / bands);
        const int by1 = static_cast<int>(static_cast<std::int64_t>(by_count) * (b + 1) / bands);
        GDALDatasetH hh = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
        if (!hh) {
            errors[static_cast<size_t>(b)] = path + ": cannot reopen for reading: " + lastGdalError();
            return;
        }
        DatasetPtr owner(hh);
        GDALRasterBandH bb = GDALGetRasterBand(hh, 1);
        std::vector<std::uint64_t>& counts = part[static_cast<size_t>(b)];
        counts.assign(kValues, 0);
        std::vector<std::uint8_t> buf(static_cast<size_t>(bw) * bh * (type == GDT_UInt16 ? 2 : 1));
        for (int by = by0; by < by1; ++by)
            for (int bx = 0; bx < bx_count; ++bx) {
                CPLErrorReset();
                if (GDALReadBlock(bb, bx, by, buf.data()) != CE_None) {
                    errors[static_cast<size_t>(b)] =
                        path + ": read failed (truncated or corrupt file?): " + lastGdalError();
                    return;
                }
                const int w = std::min(bw, cols - bx * bw), hgt = std::min(bh, rows - by * bh);
                // Class maps come in long runs of one value: count runs, not cells (a histogram
                // increment per cell stalls on the same counter over and over).
                auto countRuns = [&](const auto* p) {
                    std::uint32_t prev = p[0];
                    std::uint64_t run = 0;
                    for (int r = 0; r < hgt; ++r) {
                        const auto* row = p + static_cast<size_t>(r) * bw;
                        for (int c = 0; c < w; ++c) {
                            const std::uint32_t v = row[c];
                            if (v == prev) {
                                ++run;
                            } else {
                                counts[prev] += run;
                                prev = v;
                                run = 1;
                            }
                        }
                    }
                    counts[prev] += run;
                };
                if (type == GDT_UInt16) countRuns(reinterpret_cast<const std::uint16_t*>(buf.data()));
                else countRuns(buf.data());
            }
    });
    for (const auto& e : errors)
        if (!e.empty()) throw IoError(e);
    std::vector<std::uint64_t> counts(kValues, 0);
    for (const auto& p : part)
        for (size_t v = 0; v < kValues; ++v) counts[v] += p[v];
    if (has && nd != 0.0 && nd >= 0 && nd < static_cast<double>(kValues) && nd == std::floor(nd)) {
        const auto v = static_cast<size_t>(nd);
        counts[raster::kClassNodata] += counts[v];
        counts[v] = 0;
    }
    for (size_t v = 1; v < kValues; ++v)
        if (counts[v] && !classes.byValue(static_cast<std::uint16_t>(v))) return viaGrid(); // throws, naming the cell
    return counts;
}

void writeGeoTiff(const std::string& p, const raster::Grid<std::uint16_t>& g, const raster::GridSpec& s,
                  const RasterWriteOptions& o) {
    writeImpl(p, g, s, o);
}
void writeGeoTiff(const std::string& p, const raster::Grid<std::uint8_t>& g, const raster::GridSpec& s,
                  const RasterWriteOptions& o) {
    writeImpl(p, g, s, o);
}
void writeGeoTiff(const std::string& p, const raster::Grid<std::uint32_t>& g, const raster::GridSpec& s,
                  const RasterWriteOptions& o) {
    writeImpl(p, g, s, o);
}
void writeGeoTiff(const std::string& p, const raster::Grid<float>& g, const raster::GridSpec& s,
                  const RasterWriteOptions& o) {
    writeImpl(p, g, s, o);
}

} // namespace xiongguan::io
