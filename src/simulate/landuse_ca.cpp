// Yearly cellular automaton in the manner of PLUS CARS (Liang et al. 2021): suitability ×
// neighbourhood × adaptive inertia × conversion cost × control lines, roulette competition between
// classes, random patch seeds under a decreasing threshold, patch growth through the neighbourhood.
#include "simulate/landuse_ca.hpp"

#include "core/random.hpp"
#include "simulate/landuse_distance.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace xiongguan::simulate {

namespace {

constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();

struct Candidate {
    float score;
    std::uint32_t k;   // class index
    std::uint64_t cell;
};

bool better(const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.cell < b.cell;
}

std::uint64_t streamOf(int year, int iter, int purpose) {
    return (static_cast<std::uint64_t>(year) << 32) ^ (static_cast<std::uint64_t>(iter) << 16) ^
           static_cast<std::uint64_t>(purpose);
}

} // namespace

CaYearReport runCaYear(raster::ClassGrid& map, const CaInputs& in, const std::vector<std::int64_t>& demand, int year,
                       const CaOptions& opt) {
    const int K = static_cast<int>(in.classes.size());
    const int cols = map.cols(), rows = map.rows();
    std::vector<int> index(65536, -1);
    for (int k = 0; k < K; ++k) index[in.classes[k]] = k;

    std::vector<std::int64_t> count(K, 0);
    for (auto v : map.values())
        if (index[v] >= 0) ++count[index[v]];

    CaYearReport rep;
    rep.year = year;
    rep.demand = demand;
    rep.before = count;
    std::vector<std::int64_t> deficit(K, 0), capacity(K, 0);
    for (int k = 0; k < K; ++k) {
        deficit[k] = demand[k] >= 0 ? std::max<std::int64_t>(0, demand[k] - count[k]) : 0;
        capacity[k] = demand[k] < 0 ? kUnlimited : std::max<std::int64_t>(0, count[k] - demand[k]);
    }
    const std::vector<std::int64_t> asked = deficit;
    std::vector<double> inertia(K, 1.0);
    double mu = opt.seed_threshold;
    const auto windows = raster::makeWindows(cols, rows, opt.tile);
    const int win = 2 * opt.radius + 1;
    const double nb_den = static_cast<double>(win * win - 1);
    const bool use_zones = !in.zone_factor.empty() && in.zones.size() == map.size();

    struct Scratch {
        std::vector<std::uint8_t> counts, tmp;
        std::vector<double> op;
    };
    tbb::enumerable_thread_specific<Scratch> scratch;
    std::vector<std::uint8_t> changed(map.size(), 0);

    for (int iter = 0; iter <= opt.max_iterations; ++iter) {
        const bool final_pass = iter == opt.max_iterations;
        std::vector<int> grow; // classes still short of demand and able to grow
        for (int k = 0; k < K; ++k)
            if (deficit[k] > 0 && !in.suitability[k].values().empty()) grow.push_back(k);
        if (grow.empty()) break;
        const int G = static_cast<int>(grow.size());
        std::vector<std::uint8_t> nb_index(65536, 255);
        for (int g = 0; g < G; ++g) nb_index[in.classes[grow[g]]] = static_cast<std::uint8_t>(g);
        std::vector<std::int64_t> quota(K, 0);
        for (int k : grow)
            quota[k] = final_pass ? deficit[k]
                                  : std::min(deficit[k], std::max<std::int64_t>(
                                                             1, static_cast<std::int64_t>(std::ceil(
                                                                    static_cast<double>(deficit[k]) * opt.growth_share))));
        const std::uint64_t s_pick = streamOf(year, iter, 1), s_rank = streamOf(year, iter, 2);

        std::vector<std::vector<Candidate>> tile_cands(windows.size());
        tbb::parallel_for(size_t(0), windows.size(), [&](size_t t) {
            const raster::Window& w = windows[t];
            auto& s = scratch.local();
            neighbourhoodCountsWindow(map, nb_index, G, opt.radius, w, s.counts, s.tmp);
            s.op.resize(G);
            const size_t plane = static_cast<size_t>(w.cols) * w.rows;
            auto& out = tile_cands[t];
            out.clear();
            for (int r = 0; r < w.rows; ++r)
                for (int c = 0; c < w.cols; ++c) {
                    const size_t cell = static_cast<size_t>(w.row0 + r) * cols + (w.col0 + c);
                    const int j = index[map[cell]];
                    if (j < 0 || capacity[j] <= 0) continue;
                    const size_t local = static_cast<size_t>(r) * w.cols + c;
                    const unsigned z = use_zones ? in.zones[cell] : 0u;
                    double total = 0;
                    for (int g = 0; g < G; ++g) {
                        const int k = grow[g];
                        double op = 0;
                        if (k != j) {
                            const double conv = in.conversion[j][k];
                            const double f = use_zones ? in.zone_factor[(static_cast<size_t>(z) * K + j) * K + k] : 1.0;
                            const double P = in.suitability[k][cell] * (1.0 / 65535.0);
                            if (conv > 0 && f > 0 && P > 0 && P >= opt.probability_floor) {
                                const int n = s.counts[plane * g + local];
                                if (n > 0) {
                                    op = P * (n / nb_den) * in.neighbourhood_weight[k] * inertia[k];
                                } else if (final_pass) {
                                    op = P * 1e-3 * inertia[k];
                                } else {
                                    // patch seed: accepted under a threshold that decays every iteration
                                    const double rr = core::uniform01(opt.seed, streamOf(year, iter, 16 + k), cell);
                                    if (rr < P) op = P * rr * mu * inertia[k];
                                }
                                op *= conv * f;
                            }
                        }
                        s.op[g] = op;
                        total += op;
                    }
                    if (total <= 0) continue;
                    if (final_pass) { // every class competes for every cell; the ranking decides
                        for (int g = 0; g < G; ++g)
                            if (s.op[g] > 0) out.push_back({static_cast<float>(s.op[g]), static_cast<std::uint32_t>(grow[g]), cell});
                        continue;
                    }
                    // roulette between the classes
                    double u = core::uniform01(opt.seed, s_pick, cell) * total;
                    int pick = G - 1;
                    for (int g = 0; g < G; ++g) {
                        if (u < s.op[g]) {
                            pick = g;
                            break;
                        }
                        u -= s.op[g];
                    }
                    while (s.op[pick] <= 0) --pick; // rounding at the end of the wheel
                    const double noise = opt.randomness > 0
                                             ? std::pow(core::uniform01(opt.seed, s_rank, cell) + 1e-12, opt.randomness)
                                             : 1.0;
                    out.push_back({static_cast<float>(s.op[pick] * noise), static_cast<std::uint32_t>(grow[pick]), cell});
                }
            // Keep only what this tile could contribute: the best `quota` per class.
            std::sort(out.begin(), out.end(), better);
            std::vector<std::int64_t> kept(K, 0);
            size_t o = 0;
            for (size_t i = 0; i < out.size(); ++i)
                if (kept[out[i].k]++ < quota[out[i].k]) out[o++] = out[i];
            out.resize(o);
            out.shrink_to_fit();
        });
        std::vector<Candidate> all;
        size_t total_c = 0;
        for (const auto& v : tile_cands) total_c += v.size();
        all.reserve(total_c);
        for (auto& v : tile_cands) {
            all.insert(all.end(), v.begin(), v.end());
            std::vector<Candidate>().swap(v);
        }
        tbb::parallel_sort(all.begin(), all.end(), better);
        std::vector<std::int64_t> placed(K, 0);
        for (const auto& cand : all) {
            const int k = static_cast<int>(cand.k);
            if (placed[k] >= quota[k] || changed[cand.cell]) continue;
            const int j = index[map[cand.cell]];
            if (capacity[j] <= 0) continue;
            map[cand.cell] = in.classes[k];
            changed[cand.cell] = 1;
            ++placed[k];
            ++count[k];
            --count[j];
            --deficit[k];
            if (capacity[j] != kUnlimited) --capacity[j];
        }
        // Adaptive inertia: a class that fell short of its quota weighs more in the next roulette
        // (PLUS raises D_k when the gap to demand does not close).
        for (int k : grow)
            if (quota[k] > 0 && placed[k] < quota[k])
                inertia[k] *= 1.0 + static_cast<double>(quota[k] - placed[k]) / static_cast<double>(quota[k]);
        mu *= opt.seed_decay;
        rep.iterations = iter + 1;
    }
    rep.after = count;

    // Diagnostics of unmet demand (integer counts: order-independent).
    for (int k = 0; k < K; ++k) {
        if (deficit[k] <= 0) continue;
        UnmetDemand u;
        u.year = year;
        u.class_index = k;
        u.demanded = asked[k];
        u.not_placed = deficit[k];
        u.placed = asked[k] - deficit[k];
        const bool has_suit = !in.suitability[k].values().empty();
        for (size_t cell = 0; cell < map.size(); ++cell) {
            const int j = index[map[cell]];
            if (j < 0 || j == k || capacity[j] <= 0 || in.conversion[j][k] <= 0) continue;
            ++u.candidate_cells;
            const unsigned z = use_zones ? in.zones[cell] : 0u;
            if (use_zones && in.zone_factor[(static_cast<size_t>(z) * K + j) * K + k] <= 0) {
                ++u.forbidden_cells;
                continue;
            }
            const double P = has_suit ? in.suitability[k][cell] * (1.0 / 65535.0) : 0.0;
            if (P <= 0 || P < opt.probability_floor) ++u.below_floor_cells;
        }
        if (u.candidate_cells == 0) u.reason = "no candidate cells";
        else if (u.forbidden_cells + u.below_floor_cells >= u.candidate_cells)
            u.reason = u.forbidden_cells >= u.below_floor_cells ? "forbidden by constraints" : "below probability floor";
        else u.reason = "competition";
        rep.unmet.push_back(u);
    }
    return rep;
}

} // namespace xiongguan::simulate
