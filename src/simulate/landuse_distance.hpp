#pragma once

#include "raster/grid.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace xiongguan::simulate {

/// Squared distance value of a cell when the mask has no source cell at all.
inline constexpr std::uint32_t kNoSource = 0xFFFFFFFFu;

/// Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, linear time):
/// for every cell, the squared distance in cells² between its centre and the centre of the nearest
/// cell whose mask value is non-zero (0 on source cells; kNoSource when the mask is empty).
/// Pass 1 runs down the columns (parallel over column strips, 16-bit distances when the grid has
/// fewer than 65,535 rows), pass 2 builds the lower envelope of parabolas along each row (parallel
/// over rows; parabola intersections compared as exact integer fractions, no division per cell).
/// Exact in integers; squared distances above 2^32 - 2 are clamped (grids beyond 46,340 cells a side).
raster::Grid<std::uint32_t> squaredDistanceCells(const raster::Grid<std::uint8_t>& mask);

/// Euclidean distance in metres (cell_size_m × cells) to the nearest non-zero mask cell, as float:
/// float(sqrt(double(d²)) × cell_size_m) of the exact integer d². Cells get `none_value` when the
/// mask is empty. Same algorithm as squaredDistanceCells, with the square root taken on the fly.
raster::Grid<float> distanceMetres(const raster::Grid<std::uint8_t>& mask, double cell_size_m,
                                   float none_value = -1.0f);

/// The same values as distanceMetres, streamed in row bands without a full-size float grid:
/// calls `sink(row0, nrows, values)` once per band of `band_rows` rows (fewer in the last), in row
/// order, with nrows × cols floats row-major, valid during the call only. Bands are computed in
/// parallel with the sink of earlier bands (e.g. writing a raster's tile row while the next one is
/// computed). band_rows must be >= 1.
void distanceMetresRows(const raster::Grid<std::uint8_t>& mask, double cell_size_m, float none_value,
                        int band_rows, const std::function<void(int row0, int nrows, const float* values)>& sink);

/// Count of cells of each listed class in the (2·radius+1)² window around every cell, centre
/// included; cells beyond the grid edge count as no class (as scipy.ndimage with mode='constant').
/// Returns one grid per entry of `class_values`, in that order. One pass over row bands (parallel)
/// for all classes: running column sums of the class indicators over 2·radius+1 rows, then a
/// (2·radius+1)-tap row sum, all in 8-bit vectorisable loops. radius must be 1..7.
std::vector<raster::Grid<std::uint8_t>> neighbourhoodCounts(const raster::ClassGrid& landuse,
                                                            const std::vector<std::uint16_t>& class_values,
                                                            int radius);

/// The same count for one window of the grid: writes counts of class index k (into
/// `class_index[value]`, 255 = none) for the cells of `w` into out[k * w.cols * w.rows + ...].
/// Used by the cellular automaton, which needs counts per tile only (memory bounded by tiles).
void neighbourhoodCountsWindow(const raster::ClassGrid& landuse, const std::vector<std::uint8_t>& class_index,
                               int class_count, int radius, const raster::Window& w,
                               std::vector<std::uint8_t>& out, std::vector<std::uint8_t>& scratch);

} // namespace xiongguan::simulate
