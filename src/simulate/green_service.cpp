#include "simulate/green_service.hpp"

#include "core/errors.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace xiongguan::simulate {

ParkPatches labelParks(const raster::ClassGrid& landuse, const std::vector<std::uint16_t>& park_values,
                       double cell_area_m2) {
    ParkPatches p;
    const int cols = landuse.cols(), rows = landuse.rows();
    p.label = raster::Grid<std::int32_t>(cols, rows, 0);
    std::vector<std::uint8_t> is_park(65536, 0);
    for (auto v : park_values) is_park[v] = 1;
    std::vector<std::int64_t> stack;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            if (!is_park[landuse.at(c, r)] || p.label.at(c, r)) continue;
            const auto id = static_cast<std::int32_t>(p.area_m2.size() + 1);
            std::int64_t count = 0;
            stack.assign(1, static_cast<std::int64_t>(r) * cols + c);
            p.label.at(c, r) = id;
            while (!stack.empty()) {
                const std::int64_t i = stack.back();
                stack.pop_back();
                ++count;
                const int cc = static_cast<int>(i % cols), rr = static_cast<int>(i / cols);
                const int dc[4] = {1, -1, 0, 0}, dr[4] = {0, 0, 1, -1};
                for (int k = 0; k < 4; ++k) {
                    const int nc = cc + dc[k], nr = rr + dr[k];
                    if (nc < 0 || nr < 0 || nc >= cols || nr >= rows) continue;
                    if (!is_park[landuse.at(nc, nr)] || p.label.at(nc, nr)) continue;
                    p.label.at(nc, nr) = id;
                    stack.push_back(static_cast<std::int64_t>(nr) * cols + nc);
                }
            }
            p.area_m2.push_back(static_cast<double>(count) * cell_area_m2);
        }
    return p;
}

namespace {

// 1-D squared distance transform of f (Felzenszwalb & Huttenlocher 2012): d[q] = min_p (q-p)² + f[p]
// over the finite f[p]; all +inf when none is finite. z[0] = -inf, so k never drops below 0.
void dt1d(const double* f, int n, double* d, int* v, double* z) {
    const double inf = std::numeric_limits<double>::infinity();
    int k = -1;
    for (int q = 0; q < n; ++q) {
        if (f[q] == inf) continue;
        if (k < 0) {
            k = 0;
            v[0] = q;
            z[0] = -inf;
            z[1] = inf;
            continue;
        }
        auto meet = [&](int p) { return ((f[q] + double(q) * q) - (f[p] + double(p) * p)) / (2.0 * q - 2.0 * p); };
        double s = meet(v[k]);
        while (s <= z[k]) {
            --k;
            s = meet(v[k]);
        }
        ++k;
        v[k] = q;
        z[k] = s;
        z[k + 1] = inf;
    }
    if (k < 0) {
        for (int q = 0; q < n; ++q) d[q] = inf;
        return;
    }
    int j = 0;
    for (int q = 0; q < n; ++q) {
        while (z[j + 1] < q) ++j;
        const double dq = q - v[j];
        d[q] = dq * dq + f[v[j]];
    }
}

} // namespace

raster::Grid<float> distanceToMask(const raster::Grid<std::uint8_t>& mask, const raster::Window& w,
                                   double cell_size_m) {
    const double inf = std::numeric_limits<double>::infinity();
    raster::Grid<float> out(mask.cols(), mask.rows(), std::numeric_limits<float>::infinity());
    if (w.cols <= 0 || w.rows <= 0) return out;
    std::vector<double> sq(static_cast<size_t>(w.cols) * w.rows, inf); // window, row-major
    // Columns.
    tbb::parallel_for(0, w.cols, [&](int c) {
        std::vector<double> f(w.rows), d(w.rows), z(w.rows + 1);
        std::vector<int> v(w.rows);
        for (int r = 0; r < w.rows; ++r) f[r] = mask.at(w.col0 + c, w.row0 + r) ? 0.0 : inf;
        dt1d(f.data(), w.rows, d.data(), v.data(), z.data());
        for (int r = 0; r < w.rows; ++r) sq[static_cast<size_t>(r) * w.cols + c] = d[r];
    });
    // Rows.
    tbb::parallel_for(0, w.rows, [&](int r) {
        std::vector<double> d(w.cols), z(w.cols + 1);
        std::vector<int> v(w.cols);
        double* row = sq.data() + static_cast<size_t>(r) * w.cols;
        dt1d(row, w.cols, d.data(), v.data(), z.data());
        for (int c = 0; c < w.cols; ++c)
            out.at(w.col0 + c, w.row0 + r) = static_cast<float>(std::sqrt(d[c]) * cell_size_m);
    });
    return out;
}

namespace {

raster::Window bboxOf(const raster::Grid<std::uint8_t>& m, int pad) {
    int c0 = m.cols(), r0 = m.rows(), c1 = -1, r1 = -1;
    for (int r = 0; r < m.rows(); ++r)
        for (int c = 0; c < m.cols(); ++c)
            if (m.at(c, r)) {
                c0 = std::min(c0, c);
                c1 = std::max(c1, c);
                r0 = std::min(r0, r);
                r1 = std::max(r1, r);
            }
    if (c1 < 0) return {};
    c0 = std::max(0, c0 - pad);
    r0 = std::max(0, r0 - pad);
    c1 = std::min(m.cols() - 1, c1 + pad);
    r1 = std::min(m.rows() - 1, r1 + pad);
    return {c0, r0, c1 - c0 + 1, r1 - r0 + 1};
}

} // namespace

ServiceCoverage computeServiceCoverage(const raster::GridSpec& spec, const raster::ClassGrid& landuse,
                                       const raster::Grid<std::uint8_t>& built_up, const raster::ClassTable& classes,
                                       const std::vector<std::uint16_t>& park_values, const graph::RoadGraph* roads,
                                       const ServiceParams& P) {
    ServiceCoverage out;
    out.method = roads ? "network" : "euclidean";
    const int cols = landuse.cols(), rows = landuse.rows();
    const double cs = spec.cell_size_m;
    std::vector<std::uint8_t> resid(65536, 0);
    for (const auto& c : classes.rows())
        if (c.residential) resid[c.value] = 1;
    // Residential cells inside the built-up area.
    raster::Grid<std::uint8_t> target(cols, rows, 0);
    std::int64_t n_res = 0;
    for (size_t i = 0; i < target.size(); ++i)
        if (built_up[i] && resid[landuse[i]]) {
            target[i] = 1;
            ++n_res;
        }
    out.residential_m2 = static_cast<double>(n_res) * spec.cellArea_m2();

    ParkPatches parks = labelParks(landuse, park_values, spec.cellArea_m2());
    std::vector<double> radius(parks.area_m2.size(), 0.0); // 0 = not qualifying
    for (size_t k = 0; k < parks.area_m2.size(); ++k) {
        if (parks.area_m2[k] >= P.large_park_m2) {
            radius[k] = P.large_radius_m;
            ++out.parks_large;
        } else if (parks.area_m2[k] >= P.small_park_m2) {
            radius[k] = P.small_radius_m;
            ++out.parks_small;
        }
    }
    out.parks = out.parks_large + out.parks_small;
    if (n_res == 0 || out.parks == 0) return out;
    const double rmax = std::max(P.large_radius_m, P.small_radius_m);

    std::int64_t covered = 0;
    if (!roads) {
        // Two distance transforms (large parks, small parks) inside the bbox of the residential
        // cells padded by the larger radius: a park farther out cannot cover anything.
        const int pad = static_cast<int>(std::ceil(rmax / cs)) + 1;
        const raster::Window w = bboxOf(target, pad);
        auto within = [&](double r) {
            raster::Grid<std::uint8_t> m(cols, rows, 0);
            for (int rr = w.row0; rr < w.row0 + w.rows; ++rr)
                for (int c = w.col0; c < w.col0 + w.cols; ++c) {
                    const auto l = parks.label.at(c, rr);
                    if (l && radius[static_cast<size_t>(l - 1)] == r) m.at(c, rr) = 1;
                }
            return distanceToMask(m, w, cs);
        };
        const auto dl = within(P.large_radius_m);
        const auto ds = within(P.small_radius_m);
        for (size_t i = 0; i < target.size(); ++i)
            if (target[i] && (dl[i] <= P.large_radius_m + 1e-6 || ds[i] <= P.small_radius_m + 1e-6)) ++covered;
        out.covered_m2 = static_cast<double>(covered) * spec.cellArea_m2();
        return out;
    }

    // Access points: road nodes within park_access_m of a qualifying park cell (distance from the
    // node to the nearest point of the cell square).
    const graph::RoadGraph& g = *roads;
    out.road_nodes = g.nodeCount();
    std::vector<graph::Source> sources;
    const int win = static_cast<int>(std::ceil(P.park_access_m / cs)) + 1;
    for (std::uint32_t n = 0; n < g.nodeCount(); ++n) {
        const auto pt = g.node(n);
        const int c0 = spec.colOf(pt.x), r0 = spec.rowOf(pt.y);
        double best = graph::kUnreached;
        for (int r = r0 - win; r <= r0 + win; ++r)
            for (int c = c0 - win; c <= c0 + win; ++c) {
                if (!spec.contains(c, r)) continue;
                const auto l = parks.label.at(c, r);
                if (!l) continue;
                const double rad = radius[static_cast<size_t>(l - 1)];
                if (rad <= 0) continue;
                const double x0 = spec.origin_x + c * cs, y1 = spec.origin_y - r * cs;
                const double dx = std::max({x0 - pt.x, 0.0, pt.x - (x0 + cs)});
                const double dy = std::max({(y1 - cs) - pt.y, 0.0, pt.y - y1});
                const double d = std::hypot(dx, dy);
                if (d > P.park_access_m) continue;
                best = std::min(best, d + (rmax - rad));
            }
        if (best < graph::kUnreached) sources.push_back({n, best});
    }
    out.access_nodes = static_cast<std::int64_t>(sources.size());
    if (sources.empty()) return out;
    const auto dist = graph::multiSourceDijkstra(g, sources, rmax);

    // Buckets of reached nodes (side = max_access_m).
    const double bs = std::max(P.max_access_m, cs);
    std::unordered_map<std::int64_t, std::vector<std::uint32_t>> buckets;
    auto key = [](std::int64_t bx, std::int64_t by) { return (bx << 32) ^ (by & 0xffffffffLL); };
    for (std::uint32_t n = 0; n < g.nodeCount(); ++n)
        if (dist[n] <= rmax) {
            const auto pt = g.node(n);
            buckets[key(static_cast<std::int64_t>(std::floor(pt.x / bs)), static_cast<std::int64_t>(std::floor(pt.y / bs)))]
                .push_back(n);
        }
    const auto windows = raster::makeWindows(cols, rows, 256);
    std::vector<std::int64_t> parts(windows.size(), 0);
    tbb::parallel_for(size_t(0), windows.size(), [&](size_t wi) {
        const auto& w = windows[wi];
        std::int64_t cnt = 0;
        for (int r = w.row0; r < w.row0 + w.rows; ++r)
            for (int c = w.col0; c < w.col0 + w.cols; ++c) {
                if (!target.at(c, r)) continue;
                const double x = spec.centreX(c), y = spec.centreY(r);
                const auto bx = static_cast<std::int64_t>(std::floor(x / bs)),
                           by = static_cast<std::int64_t>(std::floor(y / bs));
                bool ok = false;
                for (std::int64_t ky = by - 1; ky <= by + 1 && !ok; ++ky)
                    for (std::int64_t kx = bx - 1; kx <= bx + 1 && !ok; ++kx) {
                        auto it = buckets.find(key(kx, ky));
                        if (it == buckets.end()) continue;
                        for (auto n : it->second) {
                            const auto pt = g.node(n);
                            const double leg = std::hypot(pt.x - x, pt.y - y);
                            if (leg <= P.max_access_m && leg + dist[n] <= rmax + 1e-9) {
                                ok = true;
                                break;
                            }
                        }
                    }
                if (ok) ++cnt;
            }
        parts[wi] = cnt;
    });
    for (auto p : parts) covered += p;
    out.covered_m2 = static_cast<double>(covered) * spec.cellArea_m2();
    return out;
}

} // namespace xiongguan::simulate
