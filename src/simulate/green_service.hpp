#pragma once

#include "graph/road_graph.hpp"
#include "raster/classes.hpp"
#include "raster/grid.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Park service-radius parameters (DOMAIN.md §3 [R]).
struct ServiceParams {
    double small_park_m2 = 2000.0;  ///< parks from this area ...
    double large_park_m2 = 5000.0;  ///< ... and from this one
    double small_radius_m = 300.0;  ///< radius of parks in [small, large)
    double large_radius_m = 500.0;  ///< radius of parks >= large
    double park_access_m = 50.0;    ///< road nodes this close to a park are its access points
    double max_access_m = 500.0;    ///< a residential cell reaches road nodes this close (straight leg, counted in the distance)
};

/// Connected patches (4-neighbour) of park cells.
struct ParkPatches {
    raster::Grid<std::int32_t> label; ///< 0 = no park, else 1 + patch index
    std::vector<double> area_m2;      ///< per patch
};
ParkPatches labelParks(const raster::ClassGrid& landuse, const std::vector<std::uint16_t>& park_values,
                       double cell_area_m2);

/// Result of the service-radius coverage.
struct ServiceCoverage {
    std::string method;            ///< "network" or "euclidean"
    double residential_m2 = 0.0;   ///< residential cells inside the built-up area
    double covered_m2 = 0.0;       ///< of which within the radius of a qualifying park
    int parks = 0, parks_large = 0, parks_small = 0;
    std::int64_t road_nodes = 0, access_nodes = 0;
    double share() const { return residential_m2 > 0 ? covered_m2 / residential_m2 : 0.0; }
};

/// Coverage of residential land (classes with `residential: true`, cells inside `built_up`) by
/// parks of at least `small_park_m2`.
///
/// Network (when `roads` is not null): multi-source Dijkstra from the parks' access points (road
/// nodes within `park_access_m` of a park cell, starting at that distance plus
/// large_radius − radius(park), so that one search serves both radii); a residential cell is
/// covered when some road node within `max_access_m` has straight leg + network distance ≤
/// large_radius. Euclidean (roads null): a cell is covered when its centre is within the radius
/// of the centre of a cell of a qualifying park. Counts are integers: thread-count independent.
ServiceCoverage computeServiceCoverage(const raster::GridSpec& spec, const raster::ClassGrid& landuse,
                                       const raster::Grid<std::uint8_t>& built_up, const raster::ClassTable& classes,
                                       const std::vector<std::uint16_t>& park_values, const graph::RoadGraph* roads,
                                       const ServiceParams& params);

/// Exact Euclidean distance (m) from each cell centre to the nearest cell centre with mask != 0,
/// computed inside the window `w` only (cells outside get +inf; sources outside the window are
/// not seen). Felzenszwalb–Huttenlocher squared distance transform, parallel over columns/rows.
raster::Grid<float> distanceToMask(const raster::Grid<std::uint8_t>& mask, const raster::Window& w, double cell_size_m);

} // namespace xiongguan::simulate
