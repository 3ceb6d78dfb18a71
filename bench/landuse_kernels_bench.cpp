// Land-use kernels: exact Euclidean distance and 5x5 neighbourhood class counts.
// Two modes:
//   landuse_kernels_bench [google-benchmark flags]          in-memory micro-benchmarks (synthetic)
//   landuse_kernels_bench edt  <mask.tif> <out.tif>         file -> file distance in cells (as gdal_proximity)
//   landuse_kernels_bench nbhd <classes.tif> <radius>       counts of every class value 1..K in the window
// The file modes print one JSON line with the kernel and total seconds (used by tools/bench_landuse.sh).
#include "core/log.hpp"
#include "core/random.hpp"
#include "simulate/landuse_distance.hpp"

#include <benchmark/benchmark.h>
#include <gdal.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace xiongguan;

namespace {

raster::Grid<std::uint8_t> syntheticMask(int n) {
    raster::Grid<std::uint8_t> m(n, n, 0);
    for (size_t i = 0; i < m.size(); ++i) m[i] = core::uniform01(1, 2, i) < 1e-4;
    return m;
}

void BM_Distance(benchmark::State& st) {
    const auto m = syntheticMask(static_cast<int>(st.range(0)));
    for (auto _ : st) benchmark::DoNotOptimize(simulate::distanceMetres(m, 1.0));
    st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(m.size()));
}
BENCHMARK(BM_Distance)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_Neighbourhood5x5(benchmark::State& st) {
    const int n = static_cast<int>(st.range(0));
    raster::ClassGrid g(n, n);
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<std::uint16_t>(1 + core::uniform01(3, 4, i) * 8);
    const std::vector<std::uint16_t> classes = {1, 2, 3, 4, 5, 6, 7, 8};
    for (auto _ : st) benchmark::DoNotOptimize(simulate::neighbourhoodCounts(g, classes, 2));
    st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(g.size()));
}
BENCHMARK(BM_Neighbourhood5x5)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

// Reads band 1 in parallel bands of 256 rows, one GDAL handle per thread (GDAL 3.6 decodes the
// compressed tiles of one RasterIO request on one core).
template <typename T> raster::Grid<T> readBand(const char* path, GDALDataType type, double gt[6], std::string& wkt) {
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds) {
        std::fprintf(stderr, "cannot open %s\n", path);
        std::exit(6);
    }
    const int cols = GDALGetRasterXSize(ds), rows = GDALGetRasterYSize(ds);
    GDALGetGeoTransform(ds, gt);
    wkt = GDALGetProjectionRef(ds);
    GDALClose(ds);
    raster::Grid<T> g(cols, rows);
    constexpr int kBand = 256;
    struct Handle {
        GDALDatasetH ds = nullptr;
        ~Handle() {
            if (ds) GDALClose(ds);
        }
    };
    tbb::enumerable_thread_specific<Handle> handles;
    std::atomic<bool> ok{true};
    tbb::parallel_for(0, (rows + kBand - 1) / kBand, [&](int b) {
        auto& h = handles.local();
        if (!h.ds) h.ds = GDALOpen(path, GA_ReadOnly);
        const int r0 = b * kBand, n = std::min(kBand, rows - r0);
        if (!h.ds || GDALRasterIO(GDALGetRasterBand(h.ds, 1), GF_Read, 0, r0, cols, n,
                                  g.data() + static_cast<size_t>(r0) * cols, cols, n, type, 0, 0) != CE_None)
            ok = false;
    });
    handles.clear();
    if (!ok) {
        std::fprintf(stderr, "cannot read %s\n", path);
        std::exit(6);
    }
    return g;
}

// File -> file distance in cells. Output: Float32 GeoTIFF, tiled 256 x 256, uncompressed -- the
// creation options of the gdal_proximity.py run in tools/bench_landuse.sh (-ot Float32 -co
// TILED=YES). Rows are computed in 256-row bands while the previous band's tiles are written
// (GDALWriteBlock: straight to the file, no block cache).
int edtMode(const char* in, const char* out) {
    // The mask is read once, in bands: a 64 MB block cache recycles its blocks instead of
    // allocating (and page-faulting) 100 MB of them. The output does not go through the cache.
    GDALSetCacheMax64(64 << 20);
    core::Timer total;
    double gt[6];
    std::string wkt;
    const auto m = readBand<std::uint8_t>(in, GDT_Byte, gt, wkt);
    const double read_s = total.seconds();
    const int cols = m.cols(), rows = m.rows();
    constexpr int kTile = 256;
    const char* create_options[] = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", nullptr};
    GDALDatasetH ds =
        GDALCreate(GDALGetDriverByName("GTiff"), out, cols, rows, 1, GDT_Float32, const_cast<char**>(create_options));
    if (!ds) {
        std::fprintf(stderr, "cannot create %s\n", out);
        return 6;
    }
    GDALSetGeoTransform(ds, gt);
    GDALSetProjection(ds, wkt.c_str());
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    std::vector<float> tile(static_cast<size_t>(kTile) * kTile, 0.0f);
    bool ok = true;
    core::Timer kw;
    simulate::distanceMetresRows(m, 1.0, -1.0f, kTile, [&](int row0, int nrows, const float* v) {
        for (int tx = 0; tx * kTile < cols; ++tx) {
            const int c0 = tx * kTile, nc = std::min(kTile, cols - c0);
            for (int r = 0; r < nrows; ++r)
                std::memcpy(tile.data() + static_cast<size_t>(r) * kTile, v + static_cast<size_t>(r) * cols + c0,
                            sizeof(float) * nc);
            ok = ok && GDALWriteBlock(band, tx, row0 / kTile, tile.data()) == CE_None;
        }
    });
    GDALClose(ds);
    const double kw_s = kw.seconds();
    const double total_s = total.seconds();
    if (!ok) {
        std::fprintf(stderr, "cannot write %s\n", out);
        return 6;
    }
    // The kernel alone, in memory (not part of total_s): distanceMetres into a full float grid.
    core::Timer kernel;
    const auto d = simulate::distanceMetres(m, 1.0, -1.0f);
    const double k = kernel.seconds();
    std::printf("{\"read_s\": %.4f, \"kernel_and_write_s\": %.4f, \"total_s\": %.4f, \"kernel_s\": %.4f, "
                "\"cells\": %zu}\n",
                read_s, kw_s, total_s, k, d.size());
    return 0;
}

int nbhdMode(const char* in, int radius) {
    core::Timer total;
    double gt[6];
    std::string wkt;
    const auto g = readBand<std::uint16_t>(in, GDT_UInt16, gt, wkt);
    std::vector<char> seen(65536, 0);
    for (auto v : g.values()) seen[v] = 1;
    std::vector<std::uint16_t> classes; // every value present but 0, ascending
    for (int v = 1; v < 65536; ++v)
        if (seen[static_cast<size_t>(v)]) classes.push_back(static_cast<std::uint16_t>(v));
    core::Timer kernel;
    const auto counts = simulate::neighbourhoodCounts(g, classes, radius);
    const double k = kernel.seconds();
    std::uint64_t checksum = 0;
    for (const auto& c : counts)
        for (auto v : c.values()) checksum += v;
    std::printf("{\"kernel_s\": %.4f, \"total_s\": %.4f, \"classes\": %zu, \"cells\": %zu, \"sum\": %llu}\n", k,
                total.seconds(), classes.size(), g.size(), static_cast<unsigned long long>(checksum));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 4 && std::strcmp(argv[1], "edt") == 0) {
        GDALAllRegister();
        return edtMode(argv[2], argv[3]);
    }
    if (argc >= 4 && std::strcmp(argv[1], "nbhd") == 0) {
        GDALAllRegister();
        return nbhdMode(argv[2], std::atoi(argv[3]));
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
