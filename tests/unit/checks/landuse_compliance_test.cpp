// landuseCompliance: hectares of each violation on a land-use raster, counted by hand.
#include "checks_fixture.hpp"

#include "checks/api.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;

TEST(LanduseCompliance, HectaresByCellCentre) {
    test::CheckStudy s;
    test::addControlLines(s);
    // 50 residential cells at x 500..550, y 900..1000: outside the concentrated zone and inside the
    // wall's 50 m protection range (x 450..550).
    for (int r = 0; r < 10; ++r)
        for (int c = 50; c < 55; ++c) s.landuse.at(c, r) = 701;
    // 25 industrial cells at x 600..650, y 100..150: in the core red line, outside the zone.
    for (int r = 85; r < 90; ++r)
        for (int c = 60; c < 65; ++c) s.landuse.at(c, r) = 1001;
    // 100 bare cells at x 0..100, y 800..900: on basic farmland.
    for (int r = 10; r < 20; ++r)
        for (int c = 0; c < 10; ++c) s.landuse.at(c, r) = 2306;
    const io::StudyArea study = io::loadStudy(s.write());
    auto j = checks::landuseCompliance(study, s.landuse);
    EXPECT_NEAR(j["urban_construction_outside_concentrated_ha"].get<double>(), 0.75, 1e-9);
    EXPECT_NEAR(j["construction_in_red_line_ha"].get<double>(), 0.25, 1e-9);
    EXPECT_NEAR(j["non_farm_on_basic_farmland_ha"].get<double>(), 1.0, 1e-9);
    EXPECT_NEAR(j["construction_in_great_wall_protection_ha"].get<double>(), 0.5, 1e-9);
}
