#include "raster/grid.hpp"

#include <algorithm>

namespace xiongguan::raster {

std::vector<Window> makeWindows(int cols, int rows, int tile) {
    std::vector<Window> out;
    if (tile <= 0) tile = 512;
    for (int r = 0; r < rows; r += tile)
        for (int c = 0; c < cols; c += tile)
            out.push_back({c, r, std::min(tile, cols - c), std::min(tile, rows - r)});
    return out;
}

} // namespace xiongguan::raster
