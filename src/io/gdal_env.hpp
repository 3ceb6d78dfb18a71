#pragma once

#include <string>

namespace xiongguan::io {

/// Registers GDAL/OGR drivers and routes GDAL's messages into our log. Call once on the main
/// thread before any dataset is opened (idempotent). Also fixes the dates GDAL writes into
/// GeoPackage and DBF headers so that outputs are byte-identical from run to run.
void initGdal();

/// The last GDAL error message on this thread (CPLGetLastErrorMsg), or "" if none.
std::string lastGdalError();

/// WKT (WKT2) of a user CRS string such as "EPSG:4542". Throws ConfigError when PROJ does not
/// know it; `context` names where the string came from.
std::string crsToWkt(const std::string& user_crs, const std::string& context);

/// Short name of a CRS ("EPSG:4542" when it has an authority code, else its name).
std::string crsShortName(const std::string& wkt);

/// True when the CRS is projected with metre units (a valid working CRS for a grid in metres).
bool isProjectedMetres(const std::string& wkt);

/// True when two CRS definitions describe the same CRS (ignoring axis-order metadata).
bool sameCrs(const std::string& wkt_a, const std::string& wkt_b);

} // namespace xiongguan::io
