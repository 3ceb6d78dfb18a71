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

#include <cstdio>
#include <cstring>
#include <set>
#include <string>

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

template <typename T> raster::Grid<T> readBand(const char* path, GDALDataType type, double gt[6], std::string& wkt) {
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds) {
        std::fprintf(stderr, "cannot open %s\n", path);
        std::exit(6);
    }
    const int cols = GDALGetRasterXSize(ds), rows = GDALGetRasterYSize(ds);
    raster::Grid<T> g(cols, rows);
    if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, cols, rows, g.data(), cols, rows, type, 0, 0) != CE_None)
        std::exit(6);
    GDALGetGeoTransform(ds, gt);
    wkt = GDALGetProjectionRef(ds);
    GDALClose(ds);
    return g;
}

int edtMode(const char* in, const char* out) {
    core::Timer total;
    double gt[6];
    std::string wkt;
    const auto m = readBand<std::uint8_t>(in, GDT_Byte, gt, wkt);
    core::Timer kernel;
    const auto d = simulate::distanceMetres(m, 1.0, -1.0f); // distance in cells, as -distunits PIXEL
    const double k = kernel.seconds();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), out, m.cols(), m.rows(), 1, GDT_Float32, nullptr);
    GDALSetGeoTransform(ds, gt);
    GDALSetProjection(ds, wkt.c_str());
    if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, m.cols(), m.rows(), const_cast<float*>(d.data()),
                     m.cols(), m.rows(), GDT_Float32, 0, 0) != CE_None)
        return 6;
    GDALClose(ds);
    std::printf("{\"kernel_s\": %.4f, \"total_s\": %.4f, \"cells\": %zu}\n", k, total.seconds(), m.size());
    return 0;
}

int nbhdMode(const char* in, int radius) {
    core::Timer total;
    double gt[6];
    std::string wkt;
    const auto g = readBand<std::uint16_t>(in, GDT_UInt16, gt, wkt);
    std::set<std::uint16_t> vals(g.values().begin(), g.values().end());
    vals.erase(0);
    const std::vector<std::uint16_t> classes(vals.begin(), vals.end());
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
