// Exact Euclidean distance transform and neighbourhood class counts.
#include "simulate/landuse_distance.hpp"

#include "core/errors.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace xiongguan::simulate {

namespace {

// Pass 1: g = distance in rows to the nearest source in the same column (kNoSource if none).
// Row sweeps over column strips of 512: contiguous reads, vectorisable, independent strips.
void columnPass(const raster::Grid<std::uint8_t>& mask, std::uint32_t* g) {
    const int cols = mask.cols(), rows = mask.rows();
    const std::uint8_t* m = mask.data();
    constexpr int kStrip = 512;
    const int strips = (cols + kStrip - 1) / kStrip;
    tbb::parallel_for(tbb::blocked_range<int>(0, strips, 1), [&](const tbb::blocked_range<int>& rg) {
        for (int s = rg.begin(); s < rg.end(); ++s) {
            const int c0 = s * kStrip, c1 = std::min(cols, c0 + kStrip);
            // forward
            for (int c = c0; c < c1; ++c) g[c] = m[c] ? 0u : kNoSource;
            for (int r = 1; r < rows; ++r) {
                const size_t o = static_cast<size_t>(r) * cols, p = o - cols;
                for (int c = c0; c < c1; ++c) {
                    const std::uint32_t up = g[p + c];
                    g[o + c] = m[o + c] ? 0u : (up == kNoSource ? kNoSource : up + 1u);
                }
            }
            // backward
            for (int r = rows - 2; r >= 0; --r) {
                const size_t o = static_cast<size_t>(r) * cols, n = o + cols;
                for (int c = c0; c < c1; ++c) {
                    const std::uint32_t dn = g[n + c];
                    if (dn != kNoSource && dn + 1u < g[o + c]) g[o + c] = dn + 1u;
                }
            }
        }
    });
}

struct RowScratch {
    std::vector<std::int64_t> f;
    std::vector<int> v;
    std::vector<double> z;
};

// Pass 2 on one row: lower envelope of parabolas (q - v)² + f(v) over the columns with a source
// in their column. Writes the exact squared distance through `emit(col, d2)`.
template <typename Emit> void rowPass(const std::uint32_t* grow, int cols, RowScratch& s, Emit&& emit) {
    s.f.resize(cols);
    s.v.resize(cols);
    s.z.resize(static_cast<size_t>(cols) + 1);
    int k = -1;
    for (int q = 0; q < cols; ++q) {
        if (grow[q] == kNoSource) continue;
        const std::int64_t fq = static_cast<std::int64_t>(grow[q]) * grow[q];
        s.f[q] = fq;
        if (k < 0) {
            k = 0;
            s.v[0] = q;
            s.z[0] = -std::numeric_limits<double>::infinity();
            s.z[1] = std::numeric_limits<double>::infinity();
            continue;
        }
        double sx;
        for (;;) {
            const int vk = s.v[k];
            // intersection of the parabolas rooted at q and vk; numerators are exact integers < 2^53.
            // z[0] = -inf, so k never drops below 0.
            sx = static_cast<double>((fq + static_cast<std::int64_t>(q) * q) -
                                     (s.f[vk] + static_cast<std::int64_t>(vk) * vk)) /
                 (2.0 * (q - vk));
            if (sx <= s.z[k]) {
                --k;
                continue;
            }
            break;
        }
        ++k;
        s.v[k] = q;
        s.z[k] = sx;
        s.z[k + 1] = std::numeric_limits<double>::infinity();
    }
    if (k < 0) {
        for (int q = 0; q < cols; ++q) emit(q, std::int64_t(-1));
        return;
    }
    int j = 0;
    for (int q = 0; q < cols; ++q) {
        while (s.z[j + 1] < q) ++j;
        const std::int64_t dq = q - s.v[j];
        emit(q, dq * dq + s.f[s.v[j]]);
    }
}

} // namespace

raster::Grid<std::uint32_t> squaredDistanceCells(const raster::Grid<std::uint8_t>& mask) {
    const int cols = mask.cols(), rows = mask.rows();
    raster::Grid<std::uint32_t> g(cols, rows);
    if (g.size() == 0) return g;
    columnPass(mask, g.data());
    tbb::enumerable_thread_specific<RowScratch> scratch;
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> rowbuf;
    tbb::parallel_for(tbb::blocked_range<int>(0, rows, 16), [&](const tbb::blocked_range<int>& rg) {
        auto& s = scratch.local();
        auto& buf = rowbuf.local();
        buf.resize(cols);
        for (int r = rg.begin(); r < rg.end(); ++r) {
            std::uint32_t* row = g.data() + static_cast<size_t>(r) * cols;
            std::copy(row, row + cols, buf.begin());
            rowPass(buf.data(), cols, s, [&](int q, std::int64_t d2) {
                row[q] = d2 < 0 ? kNoSource
                                : static_cast<std::uint32_t>(std::min<std::int64_t>(d2, kNoSource - 1));
            });
        }
    });
    return g;
}

raster::Grid<float> distanceMetres(const raster::Grid<std::uint8_t>& mask, double cell_size_m, float none_value) {
    const int cols = mask.cols(), rows = mask.rows();
    raster::Grid<float> out(cols, rows);
    if (out.size() == 0) return out;
    std::vector<std::uint32_t> g(out.size());
    columnPass(mask, g.data());
    tbb::enumerable_thread_specific<RowScratch> scratch;
    tbb::parallel_for(tbb::blocked_range<int>(0, rows, 16), [&](const tbb::blocked_range<int>& rg) {
        auto& s = scratch.local();
        for (int r = rg.begin(); r < rg.end(); ++r) {
            float* row = out.data() + static_cast<size_t>(r) * cols;
            rowPass(g.data() + static_cast<size_t>(r) * cols, cols, s, [&](int q, std::int64_t d2) {
                row[q] = d2 < 0 ? none_value
                                : static_cast<float>(std::sqrt(static_cast<double>(d2)) * cell_size_m);
            });
        }
    });
    return out;
}

void neighbourhoodCountsWindow(const raster::ClassGrid& landuse, const std::vector<std::uint8_t>& class_index,
                               int class_count, int radius, const raster::Window& w, std::vector<std::uint8_t>& out,
                               std::vector<std::uint8_t>& scratch) {
    const int cols = landuse.cols(), rows = landuse.rows();
    const int r0 = std::max(0, w.row0 - radius), r1 = std::min(rows, w.row0 + w.rows + radius);
    const int hr = r1 - r0;          // halo rows
    const int wc = w.cols;
    const size_t plane = static_cast<size_t>(wc) * w.rows;
    out.assign(plane * class_count, 0);
    // Class index of the halo window (cols with halo), 255 outside the grid or unlisted.
    const int c0 = w.col0 - radius, hc = wc + 2 * radius;
    scratch.resize(static_cast<size_t>(hr) * hc + static_cast<size_t>(hr) * wc);
    std::uint8_t* idx = scratch.data();
    std::uint8_t* hsum = scratch.data() + static_cast<size_t>(hr) * hc;
    const size_t nvals = class_index.size();
    for (int r = 0; r < hr; ++r) {
        const std::uint16_t* src = landuse.data() + static_cast<size_t>(r0 + r) * cols;
        std::uint8_t* dst = idx + static_cast<size_t>(r) * hc;
        for (int c = 0; c < hc; ++c) {
            const int gc = c0 + c;
            std::uint8_t v = 255;
            if (gc >= 0 && gc < cols) {
                const std::uint16_t cv = src[gc];
                if (cv < nvals) v = class_index[cv];
            }
            dst[c] = v;
        }
    }
    const int win = 2 * radius + 1;
    for (int k = 0; k < class_count; ++k) {
        const std::uint8_t kk = static_cast<std::uint8_t>(k);
        // horizontal sums
        for (int r = 0; r < hr; ++r) {
            const std::uint8_t* s = idx + static_cast<size_t>(r) * hc;
            std::uint8_t* h = hsum + static_cast<size_t>(r) * wc;
            for (int c = 0; c < wc; ++c) {
                unsigned acc = 0;
                for (int d = 0; d < win; ++d) acc += s[c + d] == kk;
                h[c] = static_cast<std::uint8_t>(acc);
            }
        }
        // vertical sums into the window's rows
        std::uint8_t* o = out.data() + plane * k;
        for (int r = 0; r < w.rows; ++r) {
            const int gr = w.row0 + r;
            const int a = std::max(0, gr - radius) - r0, b = std::min(rows - 1, gr + radius) - r0;
            std::uint8_t* orow = o + static_cast<size_t>(r) * wc;
            std::fill(orow, orow + wc, std::uint8_t(0));
            for (int rr = a; rr <= b; ++rr) {
                const std::uint8_t* h = hsum + static_cast<size_t>(rr) * wc;
                for (int c = 0; c < wc; ++c) orow[c] = static_cast<std::uint8_t>(orow[c] + h[c]);
            }
        }
    }
}

std::vector<raster::Grid<std::uint8_t>> neighbourhoodCounts(const raster::ClassGrid& landuse,
                                                            const std::vector<std::uint16_t>& class_values,
                                                            int radius) {
    if (radius < 1 || radius > 7)
        throw ConfigError("neighbourhood radius must be 1..7 cells, got '" + std::to_string(radius) + "'");
    if (class_values.size() > 254) throw ConfigError("neighbourhoodCounts: at most 254 classes");
    const int cols = landuse.cols(), rows = landuse.rows();
    std::vector<std::uint8_t> class_index(65536, 255);
    for (size_t k = 0; k < class_values.size(); ++k) class_index[class_values[k]] = static_cast<std::uint8_t>(k);
    const int K = static_cast<int>(class_values.size());
    std::vector<raster::Grid<std::uint8_t>> out;
    out.reserve(K);
    for (int k = 0; k < K; ++k) out.emplace_back(cols, rows);
    // Full-width row bands: each band's output rows are contiguous in every class grid.
    constexpr int kBand = 64;
    const int bands = (rows + kBand - 1) / kBand;
    struct Scratch {
        std::vector<std::uint8_t> out, tmp;
    };
    tbb::enumerable_thread_specific<Scratch> scratch;
    tbb::parallel_for(tbb::blocked_range<int>(0, bands, 1), [&](const tbb::blocked_range<int>& rg) {
        auto& s = scratch.local();
        for (int b = rg.begin(); b < rg.end(); ++b) {
            raster::Window w{0, b * kBand, cols, std::min(kBand, rows - b * kBand)};
            neighbourhoodCountsWindow(landuse, class_index, K, radius, w, s.out, s.tmp);
            const size_t plane = static_cast<size_t>(w.cols) * w.rows;
            for (int k = 0; k < K; ++k)
                std::copy(s.out.begin() + plane * k, s.out.begin() + plane * (k + 1),
                          out[k].data() + static_cast<size_t>(w.row0) * cols);
        }
    });
    return out;
}

} // namespace xiongguan::simulate
