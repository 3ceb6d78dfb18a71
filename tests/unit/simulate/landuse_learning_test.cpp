// Logistic regression, random forest and ROC AUC on synthetic data with known answers.
#include "simulate/landuse_suitability.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>

using namespace xiongguan;
using namespace xiongguan::simulate;

TEST(LanduseAuc, HandComputed) {
    // positives 0.35, 0.8; negatives 0.1, 0.4: pairs (0.35>0.1 yes, 0.35>0.4 no, 0.8>both yes) = 3/4
    EXPECT_DOUBLE_EQ(rocAuc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
    EXPECT_DOUBLE_EQ(rocAuc({0.5, 0.5}, {0, 1}), 0.5); // a tie counts one half
    EXPECT_DOUBLE_EQ(rocAuc({0.9, 0.2}, {1, 0}), 1.0);
    EXPECT_TRUE(std::isnan(rocAuc({0.1, 0.2}, {1, 1})));
}

TEST(LanduseLogistic, SeparableData) {
    SampleSet s;
    s.p = 2;
    for (int i = 0; i < 200; ++i) {
        const float x0 = static_cast<float>(i) / 200.0f, x1 = static_cast<float>(core::uniform01(1, 2, i));
        const float row[2] = {x0, x1};
        s.add(row, x0 > 0.5f ? 1 : 0);
    }
    const auto m = fitLogistic(s, 1e-3);
    const float lo[2] = {0.1f, 0.5f}, hi[2] = {0.9f, 0.5f};
    EXPECT_LT(m.predict(lo), 0.05);
    EXPECT_GT(m.predict(hi), 0.95);
}

TEST(LanduseLogistic, RecoversKnownCoefficients) {
    // y ~ Bernoulli(sigmoid(-1 + 2 x)), x uniform in [0,1]: the fitted curve must match the truth.
    SampleSet s;
    s.p = 1;
    for (int i = 0; i < 40000; ++i) {
        const float x = static_cast<float>(core::uniform01(5, 1, i));
        const double pr = 1.0 / (1.0 + std::exp(-(-1.0 + 2.0 * x)));
        s.add(&x, core::uniform01(5, 2, i) < pr ? 1 : 0);
    }
    const auto m = fitLogistic(s, 0.0);
    for (float x : {0.0f, 0.5f, 1.0f})
        EXPECT_NEAR(m.predict(&x), 1.0 / (1.0 + std::exp(-(-1.0 + 2.0 * x))), 0.03) << "x=" << x;
}

namespace {
SampleSet ruleData(int n, std::uint64_t seed) {
    SampleSet s;
    s.p = 5;
    for (int i = 0; i < n; ++i) {
        float row[5];
        for (int j = 0; j < 5; ++j) row[j] = static_cast<float>(core::uniform01(seed, j, i));
        s.add(row, (row[0] > 0.5f && row[1] < 0.3f) ? 1 : 0);
    }
    return s;
}
} // namespace

TEST(LanduseForest, LearnsARuleAndRanksItsDrivers) {
    const auto train = ruleData(3000, 11), test = ruleData(2000, 12);
    RandomForest rf;
    ForestOptions o;
    o.trees = 25;
    o.seed = 3;
    rf.fit(train, o);
    int correct = 0;
    std::vector<double> score;
    for (size_t i = 0; i < test.size(); ++i) {
        const double p = rf.predict(test.row(i));
        score.push_back(p);
        correct += (p > 0.5) == (test.y[i] == 1);
    }
    EXPECT_GT(correct / double(test.size()), 0.97);
    EXPECT_GT(rocAuc(score, test.y), 0.98);
    const auto& imp = rf.importance();
    for (int j = 2; j < 5; ++j) {
        EXPECT_GT(imp[0], imp[j]);
        EXPECT_GT(imp[1], imp[j]);
    }
}

TEST(LanduseForest, SameAtOneAndManyThreadsAndDependsOnSeed) {
    const auto train = ruleData(1500, 21), test = ruleData(300, 22);
    ForestOptions o;
    o.trees = 16;
    o.seed = 9;
    RandomForest a, b, c;
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
        a.fit(train, o);
    }
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 4);
        b.fit(train, o);
    }
    o.seed = 10;
    c.fit(train, o);
    bool differs = false;
    for (size_t i = 0; i < test.size(); ++i) {
        EXPECT_EQ(a.predict(test.row(i)), b.predict(test.row(i)));
        differs |= a.predict(test.row(i)) != c.predict(test.row(i));
    }
    EXPECT_EQ(a.importance(), b.importance());
    EXPECT_TRUE(differs);
}
