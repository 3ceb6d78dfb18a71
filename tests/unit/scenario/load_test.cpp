// Scenario files: extends (deep merge, lists replace, name not inherited), override, relative
// paths, and every invalid input with file:line and key.
#include "scenario_fixture.hpp"

#include "scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

using namespace xiongguan;
namespace fs = std::filesystem;

namespace {

class ScenarioLoad : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir.file("data"));
        fs::create_directories(dir.file("sc"));
        test::writeTinyStudy(dir.file("data"));
    }
    std::string write(const std::string& name, const std::string& text) {
        test::writeFile(dir.file("sc/" + name), text);
        return dir.file("sc/" + name);
    }
    template <typename E = ConfigError> std::string errorOf(const std::string& path) {
        try {
            scenario::loadScenario(path);
        } catch (const E& e) {
            return e.what();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "wrong exception type: " << e.what();
            return "";
        }
        ADD_FAILURE() << "no exception for " << path;
        return "";
    }
    test::TempDir dir;
};

const char* kBase = "name: base\n"                                       // 1
                    "description: the base\n"                            // 2
                    "study: ../data/study.yaml\n"                        // 3
                    "period: {from: 2021, to: 2026}\n"                   // 4
                    "seed: 7\n"                                          // 5
                    "checks: [checks.red_line, checks.basic_farmland]\n" // 6
                    "models:\n"                                          // 7
                    "  - {type: models.fake_green, conversion_share: 0.1, threshold: 0.3}\n" // 8
                    "outputs: {formats: [shp], quicklooks: false}\n";    // 9

TEST_F(ScenarioLoad, PlainScenario) {
    const auto p = write("base.yaml", kBase);
    const auto s = scenario::loadScenario(p);
    EXPECT_EQ(s.name, "base");
    EXPECT_EQ(s.description, "the base");
    EXPECT_EQ(fs::path(s.study), fs::path(dir.file("data/study.yaml")).lexically_normal());
    EXPECT_EQ(s.year_from, 2021);
    EXPECT_EQ(s.year_to, 2026);
    ASSERT_TRUE(s.seed.has_value());
    EXPECT_EQ(*s.seed, 7u);
    EXPECT_EQ(s.checks, (std::vector<std::string>{"checks.red_line", "checks.basic_farmland"}));
    ASSERT_EQ(s.models.size(), 1u);
    EXPECT_EQ(s.models[0].type, "models.fake_green");
    EXPECT_FALSE(s.models[0].params["type"]);
    EXPECT_DOUBLE_EQ(s.models[0].params["conversion_share"].as<double>(), 0.1);
    EXPECT_EQ(s.models[0].location, p + ":8");
    EXPECT_EQ(s.formats, std::vector<std::string>{"shp"});
    EXPECT_FALSE(s.quicklooks);
    EXPECT_EQ(s.files.size(), 1u);
}

TEST_F(ScenarioLoad, ExtendsMergesMapsReplacesListsAndKeepsOwnName) {
    write("base.yaml", kBase);
    // In a subfolder: `extends` is relative to this file, `study` stays relative to base.yaml.
    fs::create_directories(dir.file("sc/child"));
    const auto p = write("child/garden.yaml", "extends: ../base.yaml\n"
                                              "period: {to: 2030}\n"
                                              "checks: [checks.great_wall]\n"
                                              "outputs: {formats: [gpkg, shp]}\n");
    const auto s = scenario::loadScenario(p);
    EXPECT_EQ(s.name, "garden");                      // the file name, not the base's name
    EXPECT_EQ(s.description, "the base");             // inherited
    EXPECT_EQ(fs::path(s.study), fs::path(dir.file("data/study.yaml")).lexically_normal());
    EXPECT_EQ(s.year_from, 2021);                     // map merged: from kept
    EXPECT_EQ(s.year_to, 2030);                       // to replaced
    EXPECT_EQ(s.checks, std::vector<std::string>{"checks.great_wall"}); // list replaced
    EXPECT_EQ(s.formats, (std::vector<std::string>{"gpkg", "shp"}));
    EXPECT_FALSE(s.quicklooks);                       // outputs map merged
    ASSERT_EQ(s.models.size(), 1u);
    EXPECT_EQ(s.models[0].file, fs::path(dir.file("sc/base.yaml")).lexically_normal().string());
    ASSERT_EQ(s.files.size(), 2u);
    EXPECT_EQ(s.files[0], fs::path(p).lexically_normal().string());
}

TEST_F(ScenarioLoad, OverrideSetsModelParametersAndSeed) {
    write("base.yaml", kBase);
    const auto p = write("o.yaml", "extends: base.yaml\n"
                                   "override:\n"
                                   "  models.fake_green.conversion_share: 0.5\n"
                                   "  models.fake_green.nested.deep: 3\n"
                                   "  seed: 11\n"
                                   "  period.to: 2024\n");
    const auto s = scenario::loadScenario(p);
    EXPECT_DOUBLE_EQ(s.models[0].params["conversion_share"].as<double>(), 0.5);
    EXPECT_EQ(s.models[0].params["nested"]["deep"].as<int>(), 3);
    EXPECT_DOUBLE_EQ(s.models[0].params["threshold"].as<double>(), 0.3); // untouched
    EXPECT_EQ(*s.seed, 11u);
    EXPECT_EQ(s.year_to, 2024);
    // Extra assignments (a batch sweep) win over the file.
    const auto s2 = scenario::loadScenario(p, {{"models.fake_green.conversion_share", YAML::Node("0.9")}});
    EXPECT_DOUBLE_EQ(s2.models[0].params["conversion_share"].as<double>(), 0.9);
    EXPECT_EQ(s2.resolved["models"][0]["conversion_share"].get<double>(), 0.9);
    EXPECT_FALSE(s2.resolved.contains("override"));
    EXPECT_FALSE(s2.resolved.contains("extends"));
}

TEST_F(ScenarioLoad, UnknownKeyNamesFileLineAndKey) {
    const auto p = write("bad.yaml", "study: ../data/study.yaml\nperiod: {from: 2021}\ncolour: red\n");
    const auto m = errorOf(p);
    EXPECT_NE(m.find(p + ":3"), std::string::npos) << m;
    EXPECT_NE(m.find("'colour'"), std::string::npos) << m;
}

TEST_F(ScenarioLoad, ErrorInBaseNamesTheBaseFile) {
    const auto b = write("base.yaml", "study: ../data/study.yaml\nperiod: {from: 2021, to: 2019}\n");
    const auto p = write("child.yaml", "extends: base.yaml\nseed: 1\n");
    const auto m = errorOf(p);
    EXPECT_NE(m.find(b + ":2"), std::string::npos) << m;
    EXPECT_NE(m.find("backwards"), std::string::npos) << m;
}

TEST_F(ScenarioLoad, InvalidInputs) {
    struct Case {
        const char* text;
        const char* expect;
        int line;
    };
    const std::vector<Case> cases = {
        {"study: ../data/study.yaml\nperiod: {from: 2021, to: 2016}\n", "runs backwards", 2},
        {"study: ../data/study.yaml\nperiod: {from: 2019, to: 2026}\n", "'period.from' '2019' has no land-use map", 2},
        {"study: ../data/study.yaml\nperiod: {from: 2021, till: 2026}\n", "key 'till' is not known in period", 2},
        {"study: ../data/study.yaml\nperiod: 2021\n", "'period' must be a map", 2},
        {"study: ../data/study.yaml\nperiod: {from: twenty}\n", "must be a whole number", 2},
        {"name: ../escape\nstudy: ../data/study.yaml\nperiod: {from: 2021}\n", "must be a folder name", 1},
        {"name: a/b\nstudy: ../data/study.yaml\nperiod: {from: 2021}\n", "must be a folder name", 1},
        {"name: .hidden\nstudy: ../data/study.yaml\nperiod: {from: 2021}\n", "must be a folder name", 1},
        {"study: ../data/missing.yaml\nperiod: {from: 2021}\n", "not found", 1},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\nseed: -3\n", "'seed' must be a whole number >= 0", 3},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\nmodels: {type: models.x}\n", "'models' must be a list", 3},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\nmodels:\n  - {share: 1}\n", "needs 'type'", 4},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\nmodels:\n  - {type: green}\n", "must be a model id", 4},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\nchecks: [red_line]\n", "must be a check id", 3},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\nchecks:\n  - {type: checks.idle_land, as_of: 2021}\n",
         "'as_of' must be a date", 4},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\noutputs: {formats: [kml]}\n", "output format 'kml'", 3},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\noutputs: {landuse_maps: some}\n", "none, final or all", 3},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\noverride: {models.nothere.x: 1}\n", "has no such model", 3},
        {"study: ../data/study.yaml\nperiod: {from: 2021}\noverride: {name: other}\n", "cannot be set", 3},
        {"period: {from: 2021}\n", "'study' is required", 0},
        {"study: ../data/study.yaml\n", "'period' is required", 0},
    };
    int i = 0;
    for (const auto& c : cases) {
        const auto p = write("case" + std::to_string(i++) + ".yaml", c.text);
        const auto m = errorOf(p);
        EXPECT_NE(m.find(c.expect), std::string::npos) << c.text << "\n-> " << m;
        if (c.line > 0) EXPECT_NE(m.find(p + ":" + std::to_string(c.line) + ":"), std::string::npos) << m;
        else EXPECT_EQ(m.rfind(p, 0), 0u) << m;
    }
}

TEST_F(ScenarioLoad, ExtendsCycleAndMissingBase) {
    write("a.yaml", "extends: b.yaml\nstudy: ../data/study.yaml\nperiod: {from: 2021}\n");
    write("b.yaml", "extends: a.yaml\n");
    EXPECT_NE(errorOf(dir.file("sc/a.yaml")).find("cycle"), std::string::npos);
    const auto p = write("c.yaml", "extends: nothere.yaml\n");
    const auto m = errorOf(p);
    EXPECT_NE(m.find(p + ":1"), std::string::npos) << m;
    EXPECT_NE(m.find("not found"), std::string::npos) << m;
}

TEST_F(ScenarioLoad, YamlSyntaxErrorIsConfigError) {
    const auto p = write("syntax.yaml", "study: [unclosed\n");
    EXPECT_NE(errorOf(p).find("YAML syntax error"), std::string::npos);
}

TEST_F(ScenarioLoad, DetectKind) {
    EXPECT_EQ(scenario::detectKind(dir.file("data/study.yaml")), "study");
    EXPECT_EQ(scenario::detectKind(write("s.yaml", kBase)), "scenario");
    EXPECT_EQ(scenario::detectKind(write("b.yaml", "scenarios: [s.yaml]\n")), "batch");
    EXPECT_EQ(scenario::detectKind(write("x.yaml", "hello: 1\n")), "");
    EXPECT_EQ(scenario::detectKind(dir.file("sc")), "folder");
}

TEST(ScenarioNames, SafeNames) {
    EXPECT_TRUE(scenario::isSafeName("garden_city_2026"));
    EXPECT_TRUE(scenario::isSafeName("a-b.c"));
    EXPECT_FALSE(scenario::isSafeName(""));
    EXPECT_FALSE(scenario::isSafeName(".."));
    EXPECT_FALSE(scenario::isSafeName("a..b"));
    EXPECT_FALSE(scenario::isSafeName("a/b"));
    EXPECT_FALSE(scenario::isSafeName(".a"));
    EXPECT_FALSE(scenario::isSafeName("a b"));
}

TEST(YamlToJson, ScalarsByTag) {
    const YAML::Node n = YAML::Load("{a: 1, b: 0.5, c: true, d: '1', e: text, f: ~, g: [1, x]}");
    const auto j = scenario::yamlToJson(n);
    EXPECT_TRUE(j["a"].is_number_integer());
    EXPECT_DOUBLE_EQ(j["b"].get<double>(), 0.5);
    EXPECT_TRUE(j["c"].get<bool>());
    EXPECT_EQ(j["d"], "1");
    EXPECT_EQ(j["e"], "text");
    EXPECT_TRUE(j["f"].is_null());
    EXPECT_EQ(j["g"][1], "x");
}

} // namespace
