// The same study gives byte-identical outputs at 1 and 2 threads (every file in the output folder).
#include "checks_fixture.hpp"

#include "checks/api.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

using namespace xiongguan;

namespace {
std::map<std::string, std::string> runAt(const io::StudyArea& study, const std::string& out, int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
    checks::CheckRequest req;
    req.out_dir = out;
    req.as_of = "2021-12-31";
    (void)checks::runChecks(study, req);
    std::map<std::string, std::string> files;
    for (const auto& f : test::listFiles(out)) files[f] = test::readFile(out + "/" + f);
    return files;
}
} // namespace

TEST(ChecksDeterminism, OneAndTwoThreadsGiveIdenticalFiles) {
    test::CheckStudy s;
    test::addControlLines(s);
    // 400 small parcels on a 20 x 20 lattice, many of them crossing the lines.
    auto& p = s.layers["proposals"];
    p.fields = {"project_id", "name", "use_code", "height_m", "activity"};
    const char* uses[] = {"0701", "1001", "0101", "0201", "0401"};
    for (int i = 0; i < 20; ++i)
        for (int j = 0; j < 20; ++j) {
            const double x = 5 + i * 49.5, y = 5 + j * 49.5;
            p.wkts.push_back("POLYGON((" + std::to_string(x) + " " + std::to_string(y) + "," + std::to_string(x + 45) +
                             " " + std::to_string(y) + "," + std::to_string(x + 45) + " " + std::to_string(y + 45) + "," +
                             std::to_string(x) + " " + std::to_string(y + 45) + "," + std::to_string(x) + " " +
                             std::to_string(y) + "))");
            p.values.push_back({"p" + std::to_string(i * 20 + j), "", uses[(i + j) % 5], std::to_string((i * 7 + j) % 20),
                                (i + j) % 3 ? "construction" : "research"});
        }
    auto& l = s.layers["land_supply"];
    l.fields = {"parcel_id", "use_code", "contract_start", "actual_start", "developed_share", "invested_share",
                "suspended_since", "cause", "land_price_yuan"};
    for (int i = 0; i < 10; ++i) {
        const double x = 20 + i * 95;
        l.wkts.push_back("POLYGON((" + std::to_string(x) + " 20," + std::to_string(x + 60) + " 20," +
                         std::to_string(x + 60) + " 80," + std::to_string(x) + " 80," + std::to_string(x) + " 20))");
        l.values.push_back({"L" + std::to_string(i), "1001", "201" + std::to_string(i % 10) + "-05-01", "", "", "", "", "",
                            "1000"});
    }
    for (int r = 90; r < 100; ++r)
        for (int c = 0; c < 100; ++c) s.landuse.at(c, r) = 2306;
    const io::StudyArea study = io::loadStudy(s.write());
    auto a = runAt(study, s.dir().file("out1"), 1);
    auto b = runAt(study, s.dir().file("out2"), 2);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_GE(a.size(), 10u);
    for (const auto& [name, content] : a) {
        ASSERT_TRUE(b.count(name)) << name;
        EXPECT_TRUE(content == b[name]) << name << " differs between 1 and 2 threads";
    }
}
