// Exact Euclidean distance transform and neighbourhood class counts.
#include "simulate/landuse_distance.hpp"

#include "core/errors.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <new>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace xiongguan::simulate {

namespace {

// ---------------------------------------------------------------------------------------------
// Distance transform

// Pass 1: g = distance in rows to the nearest source in the same column (max of T if none).
// Row sweeps over column strips: contiguous reads, vectorisable, independent strips. Wide strips
// (two per thread, at least 2 KiB of a row) stream best; the values do not depend on the split.
// T is uint16 when rows < 65,535 (half the memory traffic of uint32).
template <typename T> void columnPass(const std::uint8_t* m, int cols, int rows, T* g) {
    constexpr T inf = std::numeric_limits<T>::max();
    const int per_thread = (cols + 2 * tbb::this_task_arena::max_concurrency() - 1) /
                           (2 * tbb::this_task_arena::max_concurrency());
    const int kStrip = std::max(static_cast<int>(2048 / sizeof(T)), (per_thread + 63) / 64 * 64);
    const int strips = (cols + kStrip - 1) / kStrip;
    tbb::parallel_for(tbb::blocked_range<int>(0, strips, 1), [&](const tbb::blocked_range<int>& rg) {
        for (int s = rg.begin(); s < rg.end(); ++s) {
            const int c0 = s * kStrip, n = std::min(cols, c0 + kStrip) - c0;
            {
                const std::uint8_t* __restrict mr = m + c0;
                T* __restrict gr = g + c0;
                for (int c = 0; c < n; ++c) gr[c] = mr[c] ? T(0) : inf;
            }
            for (int r = 1; r < rows; ++r) { // forward
                const size_t o = static_cast<size_t>(r) * cols + c0;
                const std::uint8_t* __restrict mr = m + o;
                const T* __restrict up = g + o - cols;
                T* __restrict gr = g + o;
                for (int c = 0; c < n; ++c) {
                    const T u = up[c];
                    const T next = static_cast<T>(u + static_cast<T>(u != inf));
                    gr[c] = mr[c] ? T(0) : next;
                }
            }
            for (int r = rows - 2; r >= 0; --r) { // backward
                const size_t o = static_cast<size_t>(r) * cols + c0;
                const T* __restrict dn = g + o + cols;
                T* __restrict gr = g + o;
                for (int c = 0; c < n; ++c) {
                    const T d = dn[c];
                    const T next = static_cast<T>(d + static_cast<T>(d != inf));
                    gr[c] = std::min(gr[c], next);
                }
            }
        }
    });
}

// Lower envelope of the parabolas y = (x - v)² + f(v) of one row. Parabola j is the lowest from
// z = zn / zd (zd > 0) on; intersections are compared by cross-multiplication, exact in int64.
// One record per parabola (h = f + v²), so a pop test touches one cache line.
struct Parabola {
    std::int64_t h, zn, zd;
    int v;
};
struct Envelope {
    std::vector<Parabola> p;
};

// Builds the envelope of the columns with a source in their column; returns the parabola count.
template <typename T> int buildEnvelope(const T* g, int cols, Envelope& e) {
    constexpr T inf = std::numeric_limits<T>::max();
    if (e.p.size() < static_cast<size_t>(cols)) e.p.resize(static_cast<size_t>(cols));
    Parabola* p = e.p.data();
    int q = 0;
    while (q < cols && g[q] == inf) ++q;
    if (q == cols) return 0;
    // the first parabola starts at -2^40 (below every intersection): the pop test needs no k > 0 check
    p[0] = Parabola{static_cast<std::int64_t>(g[q]) * g[q] + static_cast<std::int64_t>(q) * q,
                    -(std::int64_t(1) << 40), 1, q};
    int k = 0;
    for (++q; q < cols; ++q) {
        const T gq = g[q];
        if (gq == inf) continue;
        const std::int64_t hq = static_cast<std::int64_t>(gq) * gq + static_cast<std::int64_t>(q) * q;
        std::int64_t sn, sd;
        for (;;) {
            // intersection of the parabolas rooted at p[k].v and q: sn / sd
            const Parabola& pk = p[k];
            sn = hq - pk.h;
            sd = 2 * static_cast<std::int64_t>(q - pk.v);
            if (sn * pk.zd <= pk.zn * sd) {
                --k; // parabola k is nowhere the lowest
                continue;
            }
            break;
        }
        p[++k] = Parabola{hq, sn, sd, q};
    }
    return k + 1;
}

// Calls fill(a, b, v, f) for each parabola of the envelope and the columns [a, b] where it is lowest.
template <typename Fill> void scanEnvelope(const Envelope& e, int n, int cols, Fill&& fill) {
    std::int64_t lo = 0;
    const Parabola* p = e.p.data();
    for (int j = 0; j < n && lo < cols; ++j) {
        std::int64_t hi = cols - 1;
        if (j + 1 < n) {
            const std::int64_t zn = p[j + 1].zn, zd = p[j + 1].zd;
            const std::int64_t fl = zn >= 0 ? zn / zd : -((-zn + zd - 1) / zd); // floor(zn / zd)
            hi = std::min(hi, fl);
        }
        if (hi >= lo) {
            const std::int64_t v = p[j].v;
            fill(static_cast<int>(lo), static_cast<int>(hi), p[j].v, p[j].h - v * v);
            lo = hi + 1;
        }
    }
}

// out[q] = float(sqrt(double((q - v)² + f)) * cell) for q in [a, b]; the SSE2 path gives the same
// bits as the scalar one (IEEE sqrt, mul, add and conversion, same order).
inline void fillMetres(float* out, int a, int b, int v, std::int64_t f, double cell) {
    const double fd = static_cast<double>(f);
    int q = a;
#if defined(__SSE2__)
    __m128d dq = _mm_set_pd(static_cast<double>(a + 1 - v), static_cast<double>(a - v));
    const __m128d two = _mm_set1_pd(2.0), fv = _mm_set1_pd(fd), cv = _mm_set1_pd(cell);
    for (; q + 1 <= b; q += 2) {
        const __m128d d2 = _mm_add_pd(_mm_mul_pd(dq, dq), fv);
        const __m128 r = _mm_cvtpd_ps(_mm_mul_pd(_mm_sqrt_pd(d2), cv));
        _mm_storel_pi(reinterpret_cast<__m64*>(out + q), r);
        dq = _mm_add_pd(dq, two);
    }
#endif
    for (; q <= b; ++q) {
        const double dx = q - v;
        out[q] = static_cast<float>(std::sqrt(dx * dx + fd) * cell);
    }
}

// fillMetres for cell = 1 (distances in cells). Where every (q - v)² + f of the run is below 2^24
// (exact in float) this takes float square roots, 4 at a time: float(sqrt(double(x))) equals the
// correctly rounded sqrtf(x) for such x (double rounding is innocuous for sqrt when the wider format
// has >= 2p + 2 bits: 53 >= 2 * 24 + 2), so the bits are those of fillMetres.
inline void fillCells(float* out, int a, int b, int v, std::int64_t f) {
    const std::int64_t da = a - v, db = b - v;
    if (std::max(da * da, db * db) + f >= (std::int64_t(1) << 24)) return fillMetres(out, a, b, v, f, 1.0);
    int q = a;
#if defined(__SSE2__)
    const __m128 ff = _mm_set1_ps(static_cast<float>(f));
    __m128i dq = _mm_setr_epi32(a - v, a + 1 - v, a + 2 - v, a + 3 - v);
    const __m128i four = _mm_set1_epi32(4);
    for (; q + 3 <= b; q += 4) {
        const __m128 df = _mm_cvtepi32_ps(dq); // exact: |dq| < 2^12
        _mm_storeu_ps(out + q, _mm_sqrt_ps(_mm_add_ps(_mm_mul_ps(df, df), ff)));
        dq = _mm_add_epi32(dq, four);
    }
#endif
    for (; q <= b; ++q) {
        const float dx = static_cast<float>(q - v);
        out[q] = std::sqrt(dx * dx + static_cast<float>(f));
    }
}

template <typename T>
void rowMetres(const T* grow, int cols, Envelope& e, double cell, float none_value, float* out) {
    const int n = buildEnvelope(grow, cols, e);
    if (n == 0) {
        std::fill(out, out + cols, none_value);
        return;
    }
    if (cell == 1.0)
        scanEnvelope(e, n, cols, [&](int a, int b, int v, std::int64_t f) { fillCells(out, a, b, v, f); });
    else
        scanEnvelope(e, n, cols, [&](int a, int b, int v, std::int64_t f) { fillMetres(out, a, b, v, f, cell); });
}

// Uninitialised buffer of n T (the column pass writes every cell), in 2 MiB pages where the kernel
// offers them on request (fewer page faults on 100 M-cell grids).
template <typename T> class BigBuffer {
  public:
    explicit BigBuffer(size_t n) {
        const size_t bytes = std::max<size_t>(1, n * sizeof(T));
#if defined(__linux__)
        constexpr size_t kHuge = size_t(1) << 21;
        if (bytes >= kHuge) {
            void* p = std::aligned_alloc(kHuge, (bytes + kHuge - 1) / kHuge * kHuge);
            if (p) {
                madvise(p, (bytes + kHuge - 1) / kHuge * kHuge, MADV_HUGEPAGE);
                m_p = static_cast<T*>(p);
                return;
            }
        }
#endif
        m_p = static_cast<T*>(std::malloc(bytes));
        if (!m_p) throw std::bad_alloc();
    }
    ~BigBuffer() { std::free(m_p); }
    BigBuffer(const BigBuffer&) = delete;
    BigBuffer& operator=(const BigBuffer&) = delete;
    T* get() const { return m_p; }

  private:
    T* m_p = nullptr;
};

template <typename T> struct ColumnDistances {
    BigBuffer<T> g;
    explicit ColumnDistances(const raster::Grid<std::uint8_t>& mask) : g(mask.size()) {
        columnPass(mask.data(), mask.cols(), mask.rows(), g.get());
    }
};

template <typename T> raster::Grid<std::uint32_t> squaredImpl(const raster::Grid<std::uint8_t>& mask) {
    const int cols = mask.cols(), rows = mask.rows();
    raster::Grid<std::uint32_t> out(cols, rows);
    const ColumnDistances<T> cd(mask);
    tbb::enumerable_thread_specific<Envelope> env;
    tbb::parallel_for(tbb::blocked_range<int>(0, rows, 16), [&](const tbb::blocked_range<int>& rg) {
        auto& e = env.local();
        for (int r = rg.begin(); r < rg.end(); ++r) {
            const size_t o = static_cast<size_t>(r) * cols;
            std::uint32_t* row = out.data() + o;
            const int n = buildEnvelope(cd.g.get() + o, cols, e);
            if (n == 0) {
                std::fill(row, row + cols, kNoSource);
                continue;
            }
            scanEnvelope(e, n, cols, [&](int a, int b, int v, std::int64_t f) {
                for (int q = a; q <= b; ++q) {
                    const std::int64_t d = q - v;
                    row[q] = static_cast<std::uint32_t>(std::min<std::int64_t>(d * d + f, kNoSource - 1));
                }
            });
        }
    });
    return out;
}

template <typename T>
raster::Grid<float> metresImpl(const raster::Grid<std::uint8_t>& mask, double cell, float none_value) {
    const int cols = mask.cols(), rows = mask.rows();
    raster::Grid<float> out(cols, rows);
    const ColumnDistances<T> cd(mask);
    tbb::enumerable_thread_specific<Envelope> env;
    tbb::parallel_for(tbb::blocked_range<int>(0, rows, 16), [&](const tbb::blocked_range<int>& rg) {
        auto& e = env.local();
        for (int r = rg.begin(); r < rg.end(); ++r) {
            const size_t o = static_cast<size_t>(r) * cols;
            rowMetres(cd.g.get() + o, cols, e, cell, none_value, out.data() + o);
        }
    });
    return out;
}

template <typename T>
void metresRowsImpl(const raster::Grid<std::uint8_t>& mask, double cell, float none_value, int band_rows,
                    const std::function<void(int, int, const float*)>& sink) {
    const int cols = mask.cols(), rows = mask.rows();
    const ColumnDistances<T> cd(mask);
    const int bands = (rows + band_rows - 1) / band_rows;
    // At most kTokens bands are in flight and the first and last stages run in band order, so
    // band b can use buffer b % kTokens (reused: a fresh 10 MB allocation would page-fault each time).
    constexpr int kTokens = 3;
    const size_t band_cells = static_cast<size_t>(band_rows) * cols;
    std::unique_ptr<float[]> pool[kTokens];
    for (auto& p : pool) p.reset(new float[band_cells]);
    tbb::enumerable_thread_specific<Envelope> env;
    int next = 0;
    tbb::parallel_pipeline(
        kTokens,
        tbb::make_filter<void, int>(tbb::filter_mode::serial_in_order,
                                    [&](tbb::flow_control& fc) -> int {
                                        if (next >= bands) {
                                            fc.stop();
                                            return -1;
                                        }
                                        return next++;
                                    }) &
            tbb::make_filter<int, int>(tbb::filter_mode::parallel,
                                       [&](int b) {
                                           const int r0 = b * band_rows, r1 = std::min(rows, r0 + band_rows);
                                           float* values = pool[b % kTokens].get();
                                           tbb::parallel_for(tbb::blocked_range<int>(r0, r1, 8),
                                                             [&](const tbb::blocked_range<int>& rg) {
                                                                 auto& e = env.local();
                                                                 for (int r = rg.begin(); r < rg.end(); ++r)
                                                                     rowMetres(cd.g.get() + static_cast<size_t>(r) * cols,
                                                                               cols, e, cell, none_value,
                                                                               values + static_cast<size_t>(r - r0) * cols);
                                                             });
                                           return b;
                                       }) &
            tbb::make_filter<int, void>(tbb::filter_mode::serial_in_order, [&](int b) {
                const int r0 = b * band_rows;
                sink(r0, std::min(rows, r0 + band_rows) - r0, pool[b % kTokens].get());
            }));
}

// ---------------------------------------------------------------------------------------------
// Neighbourhood counts

// Counts of class indexes 0..K-1 in the (2R+1)² window for output rows [y0, y1) and grid columns
// [x0, x0 + wc). out_row(k, y) gives the wc output bytes of class k and grid row y.
// Scratch: a ring of 2R+2 class-index rows (with R columns of halo each side) and K running
// column sums (8-bit: at most 2R+1 <= 15).
template <int R, typename OutRow>
void countsBand(const raster::ClassGrid& landuse, const std::uint8_t* class_index, size_t nvals, int K, int x0,
                int wc, int y0, int y1, OutRow&& out_row, std::vector<std::uint8_t>& scratch) {
    constexpr int W = 2 * R + 1, kRing = W + 1;
    const int cols = landuse.cols(), rows = landuse.rows();
    const int hc = wc + 2 * R;
    const size_t hcs = static_cast<size_t>(hc);
    scratch.resize(hcs * (kRing + static_cast<size_t>(K)));
    std::uint8_t* ring = scratch.data();
    std::uint8_t* vsum = ring + hcs * kRing;
    std::fill(vsum, vsum + hcs * K, std::uint8_t(0));
    const int c0 = x0 - R;
    const int in0 = std::max(0, -c0), in1 = std::min(hc, cols - c0); // halo columns inside the grid
    auto index_row = [&](int gr) -> const std::uint8_t* {
        std::uint8_t* dst = ring + hcs * static_cast<size_t>(gr % kRing);
        const std::uint16_t* src = landuse.data() + static_cast<size_t>(gr) * cols + c0;
        for (int c = 0; c < in0; ++c) dst[c] = 255;
        for (int c = in0; c < in1; ++c) {
            const std::uint16_t v = src[c];
            dst[c] = v < nvals ? class_index[v] : std::uint8_t(255);
        }
        for (int c = std::max(in0, in1); c < hc; ++c) dst[c] = 255;
        return dst;
    };
    auto add_row = [&](const std::uint8_t* __restrict a) {
        for (int k = 0; k < K; ++k) {
            std::uint8_t* __restrict s = vsum + hcs * k;
            const std::uint8_t kk = static_cast<std::uint8_t>(k);
            for (int c = 0; c < hc; ++c) s[c] = static_cast<std::uint8_t>(s[c] + (a[c] == kk));
        }
    };
    // rows y0-R .. y0+R-1 first; then each step adds row y+R and drops row y-R-1
    for (int gr = std::max(0, y0 - R); gr < std::min(rows, y0 + R); ++gr) add_row(index_row(gr));
    for (int y = y0; y < y1; ++y) {
        const int in_r = y + R, out_r = y - R - 1;
        const bool has_in = in_r < rows, has_out = out_r >= 0 && out_r >= y0 - R;
        const std::uint8_t* a = has_in ? index_row(in_r) : nullptr;
        const std::uint8_t* b = has_out ? ring + hcs * static_cast<size_t>(out_r % kRing) : nullptr;
        for (int k = 0; k < K; ++k) {
            std::uint8_t* __restrict s = vsum + hcs * k;
            const std::uint8_t kk = static_cast<std::uint8_t>(k);
            if (a && b) {
                const std::uint8_t* __restrict aa = a;
                const std::uint8_t* __restrict bb = b;
                for (int c = 0; c < hc; ++c)
                    s[c] = static_cast<std::uint8_t>(s[c] + (aa[c] == kk) - (bb[c] == kk));
            } else if (a) {
                const std::uint8_t* __restrict aa = a;
                for (int c = 0; c < hc; ++c) s[c] = static_cast<std::uint8_t>(s[c] + (aa[c] == kk));
            } else if (b) {
                const std::uint8_t* __restrict bb = b;
                for (int c = 0; c < hc; ++c) s[c] = static_cast<std::uint8_t>(s[c] - (bb[c] == kk));
            }
            // horizontal (2R+1)-tap sum of the column sums
            std::uint8_t* __restrict o = out_row(k, y);
            const std::uint8_t* __restrict ss = s;
            for (int c = 0; c < wc; ++c) {
                std::uint8_t acc = ss[c]; // at most (2R+1)² <= 225
                for (int d = 1; d < W; ++d) acc = static_cast<std::uint8_t>(acc + ss[c + d]);
                o[c] = acc;
            }
        }
    }
}

template <typename OutRow>
void countsBandAnyRadius(int radius, const raster::ClassGrid& landuse, const std::uint8_t* class_index, size_t nvals,
                         int K, int x0, int wc, int y0, int y1, OutRow&& out_row, std::vector<std::uint8_t>& scratch) {
    switch (radius) {
    case 1: return countsBand<1>(landuse, class_index, nvals, K, x0, wc, y0, y1, out_row, scratch);
    case 2: return countsBand<2>(landuse, class_index, nvals, K, x0, wc, y0, y1, out_row, scratch);
    case 3: return countsBand<3>(landuse, class_index, nvals, K, x0, wc, y0, y1, out_row, scratch);
    case 4: return countsBand<4>(landuse, class_index, nvals, K, x0, wc, y0, y1, out_row, scratch);
    case 5: return countsBand<5>(landuse, class_index, nvals, K, x0, wc, y0, y1, out_row, scratch);
    case 6: return countsBand<6>(landuse, class_index, nvals, K, x0, wc, y0, y1, out_row, scratch);
    case 7: return countsBand<7>(landuse, class_index, nvals, K, x0, wc, y0, y1, out_row, scratch);
    default:
        throw ConfigError("neighbourhood radius must be 1..7 cells, got '" + std::to_string(radius) + "'");
    }
}

} // namespace

raster::Grid<std::uint32_t> squaredDistanceCells(const raster::Grid<std::uint8_t>& mask) {
    if (mask.size() == 0) return raster::Grid<std::uint32_t>(mask.cols(), mask.rows());
    return mask.rows() < 0xFFFF ? squaredImpl<std::uint16_t>(mask) : squaredImpl<std::uint32_t>(mask);
}

raster::Grid<float> distanceMetres(const raster::Grid<std::uint8_t>& mask, double cell_size_m, float none_value) {
    if (mask.size() == 0) return raster::Grid<float>(mask.cols(), mask.rows());
    return mask.rows() < 0xFFFF ? metresImpl<std::uint16_t>(mask, cell_size_m, none_value)
                                : metresImpl<std::uint32_t>(mask, cell_size_m, none_value);
}

void distanceMetresRows(const raster::Grid<std::uint8_t>& mask, double cell_size_m, float none_value, int band_rows,
                        const std::function<void(int, int, const float*)>& sink) {
    if (band_rows < 1) throw ConfigError("distanceMetresRows: band_rows must be >= 1, got " + std::to_string(band_rows));
    if (mask.size() == 0) return;
    if (mask.rows() < 0xFFFF)
        metresRowsImpl<std::uint16_t>(mask, cell_size_m, none_value, band_rows, sink);
    else
        metresRowsImpl<std::uint32_t>(mask, cell_size_m, none_value, band_rows, sink);
}

void neighbourhoodCountsWindow(const raster::ClassGrid& landuse, const std::vector<std::uint8_t>& class_index,
                               int class_count, int radius, const raster::Window& w, std::vector<std::uint8_t>& out,
                               std::vector<std::uint8_t>& scratch) {
    const size_t plane = static_cast<size_t>(w.cols) * w.rows;
    out.resize(plane * class_count);
    if (plane == 0) return;
    std::uint8_t* base = out.data();
    countsBandAnyRadius(
        radius, landuse, class_index.data(), class_index.size(), class_count, w.col0, w.cols, w.row0, w.row0 + w.rows,
        [&](int k, int y) { return base + plane * k + static_cast<size_t>(y - w.row0) * w.cols; }, scratch);
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
    // The output grids are allocated (and zeroed by std::vector) in parallel: K × cells bytes.
    std::vector<raster::Grid<std::uint8_t>> out(static_cast<size_t>(K));
    tbb::parallel_for(0, K, [&](int k) { out[static_cast<size_t>(k)] = raster::Grid<std::uint8_t>(cols, rows); });
    if (landuse.size() == 0 || K == 0) return out;
    // Full-width row bands written straight into the class grids.
    constexpr int kBand = 128;
    const int bands = (rows + kBand - 1) / kBand;
    tbb::enumerable_thread_specific<std::vector<std::uint8_t>> scratch;
    tbb::parallel_for(tbb::blocked_range<int>(0, bands, 1), [&](const tbb::blocked_range<int>& rg) {
        auto& s = scratch.local();
        for (int b = rg.begin(); b < rg.end(); ++b) {
            const int y0 = b * kBand, y1 = std::min(rows, y0 + kBand);
            countsBandAnyRadius(
                radius, landuse, class_index.data(), class_index.size(), K, 0, cols, y0, y1,
                [&](int k, int y) { return out[static_cast<size_t>(k)].data() + static_cast<size_t>(y) * cols; }, s);
        }
    });
    return out;
}

} // namespace xiongguan::simulate
