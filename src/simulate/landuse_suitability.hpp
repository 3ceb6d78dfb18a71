#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Training samples: row-major features (n × p) and binary labels (1 = the class expanded here).
struct SampleSet {
    int p = 0;                      ///< number of features (drivers)
    std::vector<float> x;           ///< n × p values
    std::vector<std::uint8_t> y;    ///< n labels, 0 or 1
    std::size_t size() const { return y.size(); }
    const float* row(std::size_t i) const { return x.data() + i * static_cast<std::size_t>(p); }
    void add(const float* features, std::uint8_t label) {
        x.insert(x.end(), features, features + p);
        y.push_back(label);
    }
};

/// L2-regularised logistic regression on standardised features, fitted by IRLS (Newton) with a
/// serial, fixed-order accumulation: deterministic.
struct LogisticModel {
    std::vector<double> mean, sd;   ///< standardisation per feature
    std::vector<double> beta;       ///< intercept, then one coefficient per standardised feature
    int iterations = 0;             ///< Newton steps taken
    /// Probability of label 1 for a feature row (p values).
    double predict(const float* x) const;
};

/// Fits a logistic regression. `l2` is the ridge penalty on the standardised coefficients (not on
/// the intercept). Stops when the largest step is below 1e-8 or after `max_iter` steps.
/// \throws InputError when the sample set is empty.
LogisticModel fitLogistic(const SampleSet& s, double l2 = 1e-2, int max_iter = 50);

/// Options of the random forest.
struct ForestOptions {
    int trees = 40;           ///< number of trees
    int max_depth = 12;       ///< maximum depth of a tree
    int min_leaf = 4;         ///< minimum samples per leaf
    int mtry = 0;             ///< features tried per split (0 = round(sqrt(p)), at least 1)
    std::uint64_t seed = 1;   ///< run seed
    std::uint64_t stream = 0; ///< stream (e.g. the class), so forests of different classes differ
};

/// A binary random forest (CART trees on Gini impurity, bootstrap samples, random feature subsets).
/// Each tree draws its bootstrap and its feature choices from core::uniform01(seed, stream ⊕ tree,
/// counter) and is trained independently (trees in parallel), so the forest is identical at any
/// thread count.
class RandomForest {
  public:
    struct Node {
        std::int32_t feature = -1; ///< -1 = leaf
        float threshold = 0.0f;    ///< go left when x[feature] <= threshold
        std::int32_t left = -1, right = -1;
        float value = 0.0f;        ///< leaf: share of label 1
    };
    /// Trains on `s`. \throws InputError when the sample set is empty.
    void fit(const SampleSet& s, const ForestOptions& options);
    /// Mean of the trees' leaf shares: probability of label 1.
    double predict(const float* x) const;
    /// Mean decrease in Gini impurity per feature, normalised to sum 1 (all 0 when no split).
    const std::vector<double>& importance() const { return m_importance; }
    std::size_t treeCount() const { return m_trees.size(); }
    const std::vector<std::vector<Node>>& trees() const { return m_trees; }

  private:
    std::vector<std::vector<Node>> m_trees;
    std::vector<double> m_importance;
};

/// Area under the ROC curve (Mann–Whitney U with average ranks for ties). Returns NaN when one of
/// the two labels is absent.
double rocAuc(const std::vector<double>& score, const std::vector<std::uint8_t>& label);

} // namespace xiongguan::simulate
