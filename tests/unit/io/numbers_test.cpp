// Real attributes must come back exactly: thresholds such as "developed share < 1/3" compare them.
#include "io/gdal_env.hpp"
#include "io/vector_io.hpp"
#include "support/support.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <gtest/gtest.h>

using namespace xiongguan;

TEST(VectorNumbers, RealFieldsRoundTripExactly) {
    io::initGdal();
    test::TempDir dir;
    const std::string path = dir.file("shares.gpkg");
    // Written with OGR directly, not with our writer.
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4542);
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "parcels", srs, wkbPolygon, nullptr);
    OSRDestroySpatialReference(srs);
    OGRFieldDefnH fd = OGR_Fld_Create("developed_share", OFTReal);
    ASSERT_EQ(OGR_L_CreateField(layer, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    const double values[] = {1.0 / 3.0, 0.25, 0.1 + 0.2};
    for (double v : values) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldDouble(f, 0, v);
        OGRGeometryH g = nullptr;
        char wkt[] = "POLYGON ((440000 4400000,440010 4400000,440010 4400010,440000 4400000))";
        char* p = wkt;
        OGR_G_CreateFromWkt(&p, nullptr, &g);
        OGR_F_SetGeometryDirectly(f, g);
        ASSERT_EQ(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);

    io::VectorSource src{path, "", "", "", "land_supply"};
    vector::VectorLayer got = io::readVectorLayer(src, io::crsToWkt("EPSG:4542", "test"));
    ASSERT_EQ(got.features.size(), 3u);
    const int field = got.requireField("developed_share");
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(*got.number(i, field), values[i]) << "feature " << i;
}
