// Accuracy of a simulated map: OA, kappa, Figure of Merit, quantity / allocation disagreement.
#include "simulate/landuse_validation.hpp"

#include "core/random.hpp"

#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace xiongguan::simulate {

double ChangeCounts::figureOfMerit() const {
    const std::int64_t d = hits + misses + wrong_hits + false_alarms;
    return d > 0 ? static_cast<double>(hits) / static_cast<double>(d) : 0.0;
}

AgreementReport agreementFromConfusion(const std::vector<std::vector<std::int64_t>>& m) {
    AgreementReport r;
    const size_t K = m.size();
    std::vector<std::int64_t> rowsum(K, 0), colsum(K, 0);
    std::int64_t n = 0, diag = 0;
    for (size_t i = 0; i < K; ++i)
        for (size_t j = 0; j < K; ++j) {
            rowsum[i] += m[i][j];
            colsum[j] += m[i][j];
            n += m[i][j];
            if (i == j) diag += m[i][j];
        }
    r.cells = n;
    r.classes.resize(K);
    if (n == 0) return r;
    const double N = static_cast<double>(n);
    r.overall_accuracy = static_cast<double>(diag) / N;
    double pe = 0;
    for (size_t k = 0; k < K; ++k) pe += (static_cast<double>(rowsum[k]) / N) * (static_cast<double>(colsum[k]) / N);
    r.kappa = pe < 1.0 ? (r.overall_accuracy - pe) / (1.0 - pe) : 1.0;
    double q = 0, a = 0;
    for (size_t k = 0; k < K; ++k) {
        auto& c = r.classes[k];
        c.simulated_cells = rowsum[k];
        c.reference_cells = colsum[k];
        c.agreeing_cells = m[k][k];
        c.quantity_disagreement = std::abs(static_cast<double>(rowsum[k] - colsum[k])) / N;
        c.allocation_disagreement =
            2.0 * static_cast<double>(std::min(rowsum[k] - m[k][k], colsum[k] - m[k][k])) / N;
        q += c.quantity_disagreement;
        a += c.allocation_disagreement;
    }
    r.quantity_disagreement = q / 2.0;
    r.allocation_disagreement = a / 2.0;
    return r;
}

AgreementReport compareMaps(const raster::ClassGrid& initial, const raster::ClassGrid& reference,
                            const raster::ClassGrid& simulated, const std::vector<std::uint16_t>& classes) {
    const size_t K = classes.size();
    std::vector<int> index(65536, -1);
    for (size_t k = 0; k < K; ++k) index[classes[k]] = static_cast<int>(k);
    std::vector<std::vector<std::int64_t>> m(K, std::vector<std::int64_t>(K, 0));
    std::vector<ChangeCounts> per(K);
    ChangeCounts all;
    const size_t n = initial.size();
    for (size_t c = 0; c < n; ++c) {
        const int i0 = index[initial[c]], ir = index[reference[c]], is = index[simulated[c]];
        if (i0 < 0 || ir < 0 || is < 0) continue;
        ++m[is][ir];
        const bool ref_changed = ir != i0, sim_changed = is != i0;
        if (ref_changed) {
            if (is == ir) {
                ++all.hits;
                ++per[ir].hits;
            } else if (!sim_changed) {
                ++all.misses;
                ++per[ir].misses;
            } else {
                ++all.wrong_hits;
                ++per[ir].wrong_hits;
            }
        } else if (sim_changed) {
            ++all.false_alarms;
            ++per[is].false_alarms;
        }
    }
    AgreementReport r = agreementFromConfusion(m);
    r.change = all;
    for (size_t k = 0; k < K; ++k) {
        r.classes[k].value = classes[k];
        r.classes[k].change = per[k];
    }
    return r;
}

nlohmann::ordered_json AgreementReport::toJson(const std::vector<std::string>& codes) const {
    auto changeJson = [](const ChangeCounts& c) {
        return nlohmann::ordered_json{{"figure_of_merit", c.figureOfMerit()}, {"hits", c.hits},
                                      {"misses", c.misses},  {"wrong_hits", c.wrong_hits},
                                      {"false_alarms", c.false_alarms}};
    };
    nlohmann::ordered_json j;
    j["cells"] = cells;
    j["overall_accuracy"] = overall_accuracy;
    j["kappa"] = kappa;
    j["quantity_disagreement"] = quantity_disagreement;
    j["allocation_disagreement"] = allocation_disagreement;
    j["change"] = changeJson(change);
    nlohmann::ordered_json per = nlohmann::ordered_json::object();
    for (size_t k = 0; k < classes.size(); ++k) {
        const auto& c = classes[k];
        if (c.reference_cells == 0 && c.simulated_cells == 0) continue;
        nlohmann::ordered_json e;
        e["reference_cells"] = c.reference_cells;
        e["simulated_cells"] = c.simulated_cells;
        e["quantity_disagreement"] = c.quantity_disagreement;
        e["allocation_disagreement"] = c.allocation_disagreement;
        e["change"] = changeJson(c.change);
        per[k < codes.size() ? codes[k] : std::to_string(c.value)] = e;
    }
    j["classes"] = per;
    return j;
}

raster::ClassGrid nullModel(const raster::ClassGrid& initial, const std::vector<std::uint16_t>& classes,
                            const std::vector<std::int64_t>& target_cells, std::uint64_t seed) {
    const size_t K = classes.size();
    std::vector<int> index(65536, -1);
    for (size_t k = 0; k < K; ++k) index[classes[k]] = static_cast<int>(k);
    std::vector<std::int64_t> count(K, 0);
    for (auto v : initial.values())
        if (index[v] >= 0) ++count[index[v]];
    std::vector<std::int64_t> surplus(K, 0);
    std::vector<std::uint16_t> slots; // one slot per gained cell, classes repeated
    for (size_t k = 0; k < K; ++k) {
        const std::int64_t d = target_cells[k] - count[k];
        if (d > 0) slots.insert(slots.end(), static_cast<size_t>(d), static_cast<std::uint16_t>(k));
        else surplus[k] = -d;
    }
    raster::ClassGrid out = initial;
    if (slots.empty()) return out;
    // Random order of slots and of candidate cells, from counter-based keys.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> slot_keys(slots.size());
    for (size_t i = 0; i < slots.size(); ++i) slot_keys[i] = {core::counterHash(seed, 0x5107, i), static_cast<std::uint32_t>(i)};
    std::sort(slot_keys.begin(), slot_keys.end());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> cells;
    for (size_t c = 0; c < initial.size(); ++c) {
        const int k = index[initial[c]];
        if (k >= 0 && surplus[k] > 0) cells.emplace_back(core::counterHash(seed, 0xce11, c), c);
    }
    tbb::parallel_sort(cells.begin(), cells.end());
    size_t s = 0;
    for (const auto& [key, c] : cells) {
        if (s >= slot_keys.size()) break;
        const int k = index[out[c]];
        if (surplus[k] <= 0) continue;
        --surplus[k];
        out[c] = classes[slots[slot_keys[s++].second]];
    }
    return out;
}

} // namespace xiongguan::simulate
