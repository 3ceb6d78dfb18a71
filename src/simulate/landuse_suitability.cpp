// Suitability learning: logistic regression (IRLS) and a deterministic random forest.
#include "simulate/landuse_suitability.hpp"

#include "core/errors.hpp"
#include "core/random.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace xiongguan::simulate {

// ---------------------------------------------------------------- logistic regression

double LogisticModel::predict(const float* x) const {
    double eta = beta[0];
    for (size_t j = 0; j < mean.size(); ++j) eta += beta[j + 1] * ((x[j] - mean[j]) / sd[j]);
    if (eta > 35) return 1.0;
    if (eta < -35) return 0.0;
    return 1.0 / (1.0 + std::exp(-eta));
}

namespace {
// Solves A x = b for symmetric positive definite A (n × n, row-major) by Cholesky; A is destroyed.
bool choleskySolve(std::vector<double>& a, std::vector<double>& b, int n) {
    for (int j = 0; j < n; ++j) {
        double d = a[j * n + j];
        for (int k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
        if (d <= 0) return false;
        d = std::sqrt(d);
        a[j * n + j] = d;
        for (int i = j + 1; i < n; ++i) {
            double s = a[i * n + j];
            for (int k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / d;
        }
    }
    for (int i = 0; i < n; ++i) {
        double s = b[i];
        for (int k = 0; k < i; ++k) s -= a[i * n + k] * b[k];
        b[i] = s / a[i * n + i];
    }
    for (int i = n - 1; i >= 0; --i) {
        double s = b[i];
        for (int k = i + 1; k < n; ++k) s -= a[k * n + i] * b[k];
        b[i] = s / a[i * n + i];
    }
    return true;
}
} // namespace

LogisticModel fitLogistic(const SampleSet& s, double l2, int max_iter) {
    const size_t n = s.size();
    const int p = s.p;
    if (n == 0) throw InputError("logistic regression: no training samples");
    LogisticModel m;
    m.mean.assign(p, 0.0);
    m.sd.assign(p, 0.0);
    for (size_t i = 0; i < n; ++i)
        for (int j = 0; j < p; ++j) m.mean[j] += s.row(i)[j];
    for (int j = 0; j < p; ++j) m.mean[j] /= static_cast<double>(n);
    for (size_t i = 0; i < n; ++i)
        for (int j = 0; j < p; ++j) {
            const double d = s.row(i)[j] - m.mean[j];
            m.sd[j] += d * d;
        }
    for (int j = 0; j < p; ++j) {
        m.sd[j] = std::sqrt(m.sd[j] / static_cast<double>(n));
        if (!(m.sd[j] > 1e-12)) m.sd[j] = 1.0; // constant feature: its coefficient stays ~0
    }
    const int q = p + 1;
    m.beta.assign(q, 0.0);
    std::vector<double> z(q), h(static_cast<size_t>(q) * q), g(q);
    for (int it = 0; it < max_iter; ++it) {
        std::fill(h.begin(), h.end(), 0.0);
        std::fill(g.begin(), g.end(), 0.0);
        for (size_t i = 0; i < n; ++i) {
            z[0] = 1.0;
            for (int j = 0; j < p; ++j) z[j + 1] = (s.row(i)[j] - m.mean[j]) / m.sd[j];
            double eta = 0;
            for (int j = 0; j < q; ++j) eta += m.beta[j] * z[j];
            const double mu = 1.0 / (1.0 + std::exp(-std::clamp(eta, -35.0, 35.0)));
            const double w = std::max(mu * (1 - mu), 1e-10);
            const double r = s.y[i] - mu;
            for (int a = 0; a < q; ++a) {
                g[a] += z[a] * r;
                for (int b = 0; b <= a; ++b) h[a * q + b] += w * z[a] * z[b];
            }
        }
        for (int a = 0; a < q; ++a)
            for (int b = 0; b < a; ++b) h[b * q + a] = h[a * q + b];
        for (int a = 1; a < q; ++a) {
            h[a * q + a] += l2 * static_cast<double>(n);
            g[a] -= l2 * static_cast<double>(n) * m.beta[a];
        }
        if (!choleskySolve(h, g, q)) break;
        double step = 0;
        for (int a = 0; a < q; ++a) {
            m.beta[a] += g[a];
            step = std::max(step, std::abs(g[a]));
        }
        m.iterations = it + 1;
        if (step < 1e-8) break;
    }
    return m;
}

// ---------------------------------------------------------------- random forest

namespace {

struct TreeBuilder {
    const SampleSet& s;
    const ForestOptions& opt;
    int mtry;
    std::uint64_t stream;
    std::uint64_t counter = 0;
    std::vector<RandomForest::Node> nodes;
    std::vector<double> importance;
    std::vector<std::pair<float, std::uint8_t>> buf;
    double total = 0;

    double draw() { return core::uniform01(opt.seed, stream, counter++); }

    int build(std::vector<std::uint32_t>& idx, size_t lo, size_t hi, int depth) {
        const size_t n = hi - lo;
        size_t pos = 0;
        for (size_t i = lo; i < hi; ++i) pos += s.y[idx[i]];
        const int id = static_cast<int>(nodes.size());
        nodes.push_back({});
        nodes[id].value = static_cast<float>(static_cast<double>(pos) / static_cast<double>(n));
        if (depth >= opt.max_depth || n < static_cast<size_t>(2 * opt.min_leaf) || pos == 0 || pos == n) return id;
        const double dn = static_cast<double>(n), dpos = static_cast<double>(pos);
        const double parent_gini = 1.0 - std::pow(dpos / dn, 2) - std::pow((dn - dpos) / dn, 2);
        // choose mtry distinct features by a partial Fisher-Yates shuffle
        std::vector<int> feats(s.p);
        std::iota(feats.begin(), feats.end(), 0);
        for (int k = 0; k < mtry; ++k) {
            const int j = k + static_cast<int>(draw() * (s.p - k));
            std::swap(feats[k], feats[std::min(j, s.p - 1)]);
        }
        int best_f = -1;
        float best_t = 0;
        double best_gain = 1e-12;
        for (int k = 0; k < mtry; ++k) {
            const int f = feats[k];
            buf.clear();
            for (size_t i = lo; i < hi; ++i) buf.emplace_back(s.row(idx[i])[f], s.y[idx[i]]);
            std::sort(buf.begin(), buf.end());
            size_t lpos = 0;
            for (size_t i = 0; i + 1 < n; ++i) {
                lpos += buf[i].second;
                if (buf[i].first == buf[i + 1].first) continue;
                const size_t nl = i + 1, nr = n - nl;
                if (nl < static_cast<size_t>(opt.min_leaf) || nr < static_cast<size_t>(opt.min_leaf)) continue;
                const double dnl = static_cast<double>(nl), dnr = static_cast<double>(nr);
                const double pl = static_cast<double>(lpos) / dnl, pr = static_cast<double>(pos - lpos) / dnr;
                const double gl = 2 * pl * (1 - pl), gr = 2 * pr * (1 - pr);
                const double gain = parent_gini - (dnl * gl + dnr * gr) / dn;
                if (gain > best_gain) {
                    best_gain = gain;
                    best_f = f;
                    best_t = 0.5f * (buf[i].first + buf[i + 1].first);
                    if (!(best_t > buf[i].first) || best_t > buf[i + 1].first) best_t = buf[i].first;
                }
            }
        }
        if (best_f < 0) return id;
        importance[best_f] += best_gain * static_cast<double>(n) / total;
        const auto mid_it = std::stable_partition(idx.begin() + static_cast<std::ptrdiff_t>(lo),
                                                  idx.begin() + static_cast<std::ptrdiff_t>(hi),
                                                  [&](std::uint32_t i) { return s.row(i)[best_f] <= best_t; });
        const size_t mid = static_cast<size_t>(mid_it - idx.begin());
        const int l = build(idx, lo, mid, depth + 1);
        const int r = build(idx, mid, hi, depth + 1);
        nodes[id].feature = best_f;
        nodes[id].threshold = best_t;
        nodes[id].left = l;
        nodes[id].right = r;
        return id;
    }
};

} // namespace

void RandomForest::fit(const SampleSet& s, const ForestOptions& opt) {
    const size_t n = s.size();
    if (n == 0) throw InputError("random forest: no training samples");
    const int mtry = opt.mtry > 0 ? std::min(opt.mtry, s.p)
                                  : std::max(1, static_cast<int>(std::lround(std::sqrt(double(s.p)))));
    m_trees.assign(opt.trees, {});
    std::vector<std::vector<double>> imp(opt.trees);
    tbb::parallel_for(0, opt.trees, [&](int t) {
        TreeBuilder b{s, opt, mtry, core::mix64(opt.stream * 1000003ULL + static_cast<std::uint64_t>(t)), 0, {}, {}, {}, 0.0};
        b.importance.assign(s.p, 0.0);
        b.total = static_cast<double>(n);
        std::vector<std::uint32_t> idx(n);
        for (size_t i = 0; i < n; ++i)
            idx[i] = static_cast<std::uint32_t>(
                std::min<size_t>(static_cast<size_t>(b.draw() * static_cast<double>(n)), n - 1));
        std::sort(idx.begin(), idx.end());
        b.build(idx, 0, n, 0);
        m_trees[t] = std::move(b.nodes);
        imp[t] = std::move(b.importance);
    });
    m_importance.assign(s.p, 0.0);
    for (int t = 0; t < opt.trees; ++t)
        for (int j = 0; j < s.p; ++j) m_importance[j] += imp[t][j];
    double sum = 0;
    for (double v : m_importance) sum += v;
    if (sum > 0)
        for (double& v : m_importance) v /= sum;
}

double RandomForest::predict(const float* x) const {
    if (m_trees.empty()) return 0.0;
    double acc = 0;
    for (const auto& t : m_trees) {
        int i = 0;
        while (t[i].feature >= 0) i = x[t[i].feature] <= t[i].threshold ? t[i].left : t[i].right;
        acc += t[i].value;
    }
    return acc / static_cast<double>(m_trees.size());
}

double rocAuc(const std::vector<double>& score, const std::vector<std::uint8_t>& label) {
    const size_t n = score.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
    double rank_sum = 0;
    size_t npos = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && score[order[j + 1]] == score[order[i]]) ++j;
        const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
        for (size_t k = i; k <= j; ++k)
            if (label[order[k]]) {
                rank_sum += avg;
                ++npos;
            }
        i = j + 1;
    }
    const size_t nneg = n - npos;
    if (npos == 0 || nneg == 0) return std::numeric_limits<double>::quiet_NaN();
    return (rank_sum - double(npos) * (double(npos) + 1) / 2.0) / (double(npos) * double(nneg));
}

} // namespace xiongguan::simulate
