#pragma once

#include "raster/grid.hpp"

#include <cstdint>
#include <vector>

namespace xiongguan::simulate {

/// Squared distance value of a cell when the mask has no source cell at all.
inline constexpr std::uint32_t kNoSource = 0xFFFFFFFFu;

/// Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, linear time):
/// for every cell, the squared distance in cells² between its centre and the centre of the nearest
/// cell whose mask value is non-zero (0 on source cells; kNoSource when the mask is empty).
/// Pass 1 runs down the columns (parallel over column strips), pass 2 builds the lower envelope of
/// parabolas along each row (parallel over rows). Exact in integers for grids up to 46,340 cells a side.
raster::Grid<std::uint32_t> squaredDistanceCells(const raster::Grid<std::uint8_t>& mask);

/// Euclidean distance in metres (cell_size_m × cells) to the nearest non-zero mask cell, as float.
/// Cells get `none_value` when the mask is empty. Same algorithm as squaredDistanceCells, with
/// the square root taken on the fly (no second full-size buffer).
raster::Grid<float> distanceMetres(const raster::Grid<std::uint8_t>& mask, double cell_size_m,
                                   float none_value = -1.0f);

/// Count of cells of each listed class in the (2·radius+1)² window around every cell, centre
/// included; cells beyond the grid edge count as no class (as scipy.ndimage with mode='constant').
/// Returns one grid per entry of `class_values`, in that order. Parallel over row bands with a
/// halo of `radius` rows; separable (row sums, then column sums). radius must be 1..7.
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
