#include "io/gdal_env.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <mutex>

namespace xiongguan::io {

namespace {
void CPL_STDCALL gdalHandler(CPLErr cls, CPLErrorNum, const char* msg) {
    if (cls == CE_Failure || cls == CE_Fatal) {
        core::logDebug("gdal", msg ? msg : "");
    } else if (cls == CE_Warning) {
        core::logDebug("gdal", msg ? msg : "");
    }
}
} // namespace

void initGdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(gdalHandler);
        // Reproducible outputs: GeoPackage writes this instead of the current time.
        CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
        CPLSetConfigOption("GDAL_PAM_ENABLED", "YES");
    });
}

std::string lastGdalError() {
    const char* m = CPLGetLastErrorMsg();
    return m ? m : "";
}

std::string crsToWkt(const std::string& user_crs, const std::string& context) {
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(user_crs.c_str(),
                             OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS) != OGRERR_NONE)
        throw ConfigError(context + ": CRS '" + user_crs + "' is not known to PROJ (expected e.g. 'EPSG:4542')");
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2018", nullptr};
    srs.exportToWkt(&wkt, opts);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

std::string crsShortName(const std::string& wkt) {
    if (wkt.empty()) return "(none)";
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return "(unparsable CRS)";
    srs.AutoIdentifyEPSG();
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) return std::string(auth) + ":" + code;
    const char* name = srs.GetName();
    return name ? name : "(unnamed CRS)";
}

bool isProjectedMetres(const std::string& wkt) {
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return false;
    return srs.IsProjected() && std::abs(srs.GetLinearUnits(nullptr) - 1.0) < 1e-12;
}

bool sameCrs(const std::string& a, const std::string& b) {
    OGRSpatialReference sa, sb;
    if (sa.importFromWkt(a.c_str()) != OGRERR_NONE || sb.importFromWkt(b.c_str()) != OGRERR_NONE) return false;
    const char* opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
                          nullptr};
    return sa.IsSame(&sb, opts) != 0;
}

} // namespace xiongguan::io
