// Land-use demand: Markov chain, linear trend, plan targets.
#include "simulate/landuse_demand.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace xiongguan::simulate {

namespace {
std::vector<int> indexOf(const std::vector<std::uint16_t>& classes) {
    std::vector<int> index(65536, -1);
    for (size_t k = 0; k < classes.size(); ++k) index[classes[k]] = static_cast<int>(k);
    return index;
}
} // namespace

std::vector<std::int64_t> classCounts(const raster::ClassGrid& map, const std::vector<std::uint16_t>& classes) {
    const auto index = indexOf(classes);
    std::vector<std::int64_t> n(classes.size(), 0);
    for (auto v : map.values())
        if (index[v] >= 0) ++n[index[v]];
    return n;
}

std::vector<std::vector<double>> transitionMatrix(const raster::ClassGrid& from, const raster::ClassGrid& to,
                                                  const std::vector<std::uint16_t>& classes) {
    const auto index = indexOf(classes);
    const size_t K = classes.size();
    std::vector<std::vector<std::int64_t>> n(K, std::vector<std::int64_t>(K, 0));
    for (size_t c = 0; c < from.size(); ++c) {
        const int i = index[from[c]], j = index[to[c]];
        if (i >= 0 && j >= 0) ++n[i][j];
    }
    std::vector<std::vector<double>> P(K, std::vector<double>(K, 0.0));
    for (size_t i = 0; i < K; ++i) {
        const std::int64_t row = std::accumulate(n[i].begin(), n[i].end(), std::int64_t(0));
        if (row == 0) {
            P[i][i] = 1.0;
            continue;
        }
        for (size_t j = 0; j < K; ++j) P[i][j] = static_cast<double>(n[i][j]) / static_cast<double>(row);
    }
    return P;
}

std::vector<std::int64_t> roundToTotal(const std::vector<double>& values, std::int64_t total) {
    const size_t K = values.size();
    std::vector<std::int64_t> out(K);
    std::vector<std::pair<double, size_t>> rem(K);
    std::int64_t sum = 0;
    for (size_t k = 0; k < K; ++k) {
        const double v = std::max(0.0, values[k]);
        out[k] = static_cast<std::int64_t>(std::floor(v));
        rem[k] = {v - std::floor(v), k};
        sum += out[k];
    }
    std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; sum < total && K > 0; i = (i + 1) % K, ++sum) ++out[rem[i].second];
    for (size_t i = K; sum > total && K > 0;) { // over: take from the largest classes
        i = static_cast<size_t>(std::max_element(out.begin(), out.end()) - out.begin());
        --out[i];
        --sum;
    }
    return out;
}

std::vector<std::vector<std::int64_t>> markovDemand(const std::vector<std::int64_t>& base,
                                                    const std::vector<std::vector<double>>& P, int interval_years,
                                                    int steps) {
    const size_t K = base.size();
    const std::int64_t total = std::accumulate(base.begin(), base.end(), std::int64_t(0));
    std::vector<double> a(base.begin(), base.end());
    std::vector<std::vector<std::int64_t>> out;
    for (int s = 0; s < steps; ++s) {
        std::vector<double> next(K, 0.0);
        for (size_t i = 0; i < K; ++i)
            for (size_t j = 0; j < K; ++j) next[j] += a[i] * P[i][j];
        for (size_t j = 0; j < K; ++j) a[j] += (next[j] - a[j]) / std::max(1, interval_years);
        out.push_back(roundToTotal(a, total));
    }
    return out;
}

std::vector<std::vector<std::int64_t>> trendDemand(const std::vector<std::int64_t>& earlier,
                                                   const std::vector<std::int64_t>& base, int interval_years,
                                                   int steps) {
    const size_t K = base.size();
    const std::int64_t total = std::accumulate(base.begin(), base.end(), std::int64_t(0));
    std::vector<std::vector<std::int64_t>> out;
    for (int s = 1; s <= steps; ++s) {
        std::vector<double> a(K);
        double sum = 0;
        for (size_t k = 0; k < K; ++k) {
            const double rate = static_cast<double>(base[k] - earlier[k]) / std::max(1, interval_years);
            a[k] = std::max(0.0, static_cast<double>(base[k]) + rate * s);
            sum += a[k];
        }
        if (sum > 0)
            for (auto& v : a) v *= static_cast<double>(total) / sum;
        out.push_back(roundToTotal(a, total));
    }
    return out;
}

std::vector<std::vector<std::int64_t>> planDemand(const std::vector<std::int64_t>& base, int base_year,
                                                  const std::map<int, std::map<int, double>>& targets, int steps) {
    const size_t K = base.size();
    std::vector<std::vector<std::int64_t>> out(steps, std::vector<std::int64_t>(K, -1));
    for (size_t k = 0; k < K; ++k) {
        // the target points of this class: (base_year, base) then listed years
        std::vector<std::pair<int, double>> pts{{base_year, static_cast<double>(base[k])}};
        for (const auto& [year, m] : targets) {
            auto it = m.find(static_cast<int>(k));
            if (it != m.end() && year > base_year) pts.emplace_back(year, it->second);
        }
        if (pts.size() == 1) continue;
        for (int s = 1; s <= steps; ++s) {
            const int y = base_year + s;
            double v = pts.back().second;
            for (size_t p = 1; p < pts.size(); ++p)
                if (y <= pts[p].first) {
                    const double t = double(y - pts[p - 1].first) / double(pts[p].first - pts[p - 1].first);
                    v = pts[p - 1].second + t * (pts[p].second - pts[p - 1].second);
                    break;
                }
            out[s - 1][k] = static_cast<std::int64_t>(std::llround(v));
        }
    }
    return out;
}

std::vector<char> classesThatMayGain(const std::vector<std::int64_t>& start,
                                     const std::vector<std::vector<std::int64_t>>& demand,
                                     const std::vector<double>& release) {
    const size_t K = start.size();
    std::vector<char> out(K, 0);
    for (size_t k = 0; k < K; ++k) {
        if (!release.empty() && release[k] > 0) out[k] = 1;
        std::int64_t least = start[k];
        for (const auto& d : demand) {
            if (out[k]) break;
            if (d[k] < 0) { // free: may give up any of its cells
                least = 0;
                continue;
            }
            if (d[k] > least) out[k] = 1;
            least = d[k];
        }
    }
    return out;
}

} // namespace xiongguan::simulate
