// The command line: validate (study / scenario / batch), run, batch exit codes, list.
#include "scenario_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace xiongguan;
namespace fs = std::filesystem;

namespace {

class Cli : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir.file("data"));
        fs::create_directories(dir.file("sc"));
        test::writeTinyStudy(dir.file("data"));
        write("ok.yaml", "name: ok\nstudy: ../data/study.yaml\nperiod: {from: 2021}\noutputs: {landuse_maps: final}\n");
    }
    std::string write(const std::string& name, const std::string& text) {
        test::writeFile(dir.file("sc/" + name), text);
        return dir.file("sc/" + name);
    }
    std::string q(const std::string& s) { return "'" + s + "'"; }
    test::TempDir dir;
};

TEST_F(Cli, ValidateKnowsStudiesScenariosAndBatches) {
    auto r = test::runCli("validate " + q(dir.file("data/study.yaml")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["kind"], "study");
    EXPECT_EQ(j["valid"], true);
    EXPECT_TRUE(j["error_detail"].is_null());

    r = test::runCli("validate " + q(dir.file("sc/ok.yaml")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["kind"], "scenario");
    EXPECT_EQ(j["runs_planned"], 1);
    EXPECT_EQ(j["runs"][0]["id"], "ok");

    write("b.yaml", "scenarios: [ok.yaml]\nseeds: [1, 2, 3]\n");
    r = test::runCli("validate " + q(dir.file("sc/b.yaml")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["kind"], "batch");
    EXPECT_EQ(j["runs_planned"], 3);
    EXPECT_EQ(j["runs"][2]["id"], "ok__seed-3");
    EXPECT_EQ(j["runs"][2]["seed"], 3);

    r = test::runCli("validate " + q(dir.file("sc")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["runs_planned"], 1); // ok.yaml; b.yaml is a batch

    write("bad.yaml", "study: ../data/study.yaml\nperiod: {from: 2021, to: 2020}\n");
    r = test::runCli("validate " + q(dir.file("sc/bad.yaml")));
    EXPECT_EQ(r.exit_code, 3);
    j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["valid"], false);
    EXPECT_NE(j["error_detail"].get<std::string>().find("bad.yaml:2: 'period' runs backwards"), std::string::npos);
    EXPECT_NE(r.err.find("error: "), std::string::npos);

    write("what.yaml", "hello: world\n");
    r = test::runCli("validate " + q(dir.file("sc/what.yaml")));
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("not a study"), std::string::npos) << r.err;
}

TEST_F(Cli, RunWritesTheRunFolderAndSaysWhere) {
    auto r = test::runCli("run " + q(dir.file("sc/ok.yaml")) + " -o " + q(dir.file("out")) + " --seed 5");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string run_dir = dir.file("out/ok/ok__seed-5");
    EXPECT_TRUE(fs::exists(run_dir + "/landuse_2021.tif"));
    EXPECT_TRUE(fs::exists(run_dir + "/manifest.json"));
    EXPECT_NE(r.out.find("outputs: " + run_dir + "/"), std::string::npos) << r.out;
    EXPECT_EQ(nlohmann::json::parse(test::readFile(run_dir + "/manifest.json"))["seed"], 5);
    // Again: skipped, logged as such.
    r = test::runCli("run " + q(dir.file("sc/ok.yaml")) + " -o " + q(dir.file("out")) + " --seed 5");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.err.find("skipped"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("skipped"), std::string::npos) << r.out;
}

TEST_F(Cli, BatchWithAFailedRunExitsSevenAndKeepsTheOthers) {
    // A second study whose 2021 map is not a readable GeoTIFF: validate cannot see it (no layer
    // is read), the run fails when it loads the map.
    fs::create_directories(dir.file("broken"));
    test::writeTinyStudy(dir.file("broken"));
    {
        std::ofstream(dir.file("broken/landuse_2021.tif"), std::ios::trunc) << "II*\0not a tiff";
    }
    write("broken.yaml", "name: broken\nstudy: ../broken/study.yaml\nperiod: {from: 2021}\n");
    write("b.yaml", "name: two\nscenarios: [broken.yaml, ok.yaml]\n");
    EXPECT_EQ(test::runCli("validate " + q(dir.file("sc/b.yaml"))).exit_code, 0);
    const auto r = test::runCli("batch " + q(dir.file("sc/b.yaml")) + " -o " + q(dir.file("out")));
    EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
    EXPECT_NE(r.out.find("2 runs: 1 done, 0 skipped, 1 failed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("broken"), std::string::npos);
    EXPECT_NE(r.out.find("error: "), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(dir.file("out/two/ok/manifest.json")));
    EXPECT_FALSE(fs::exists(dir.file("out/two/broken")));
    const std::string csv = test::readFile(dir.file("out/two/summary.csv"));
    EXPECT_NE(csv.find("broken,broken,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",failed,"), std::string::npos) << csv;
    const auto s = nlohmann::json::parse(test::readFile(dir.file("out/two/summary.json")));
    EXPECT_EQ(s["runs_failed"], 1);
    EXPECT_EQ(s["runs"][0]["status"], "failed");
    EXPECT_FALSE(s["runs"][0]["error"].get<std::string>().empty());
    // --parallel-runs is accepted and gives the same result.
    const auto r2 = test::runCli("batch " + q(dir.file("sc/b.yaml")) + " -o " + q(dir.file("out2")) + " --parallel-runs 2");
    EXPECT_EQ(r2.exit_code, 7);
}

TEST_F(Cli, ListNamesModelsAndChecks) {
    const auto r = test::runCli("list --json");
    ASSERT_EQ(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_TRUE(j["models"].is_array());
    bool red_line = false;
    for (const auto& c : j["checks"]) red_line |= c == "checks.red_line";
    EXPECT_TRUE(red_line);
}

} // namespace
