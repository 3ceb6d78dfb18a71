#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::raster {

/// Broad group of a land-use class; drives the checks and the models.
enum class ClassGroup { Built, Green, Farmland, Orchard, Forest, Grassland, Wetland, AgriFacility,
                        Water, Bare, Transport, Special, Other };

/// Parses "built", "green", "farmland", "orchard", "forest", "grassland", "wetland",
/// "agri_facility", "water", "bare", "transport", "special", "other". Returns nullopt otherwise.
std::optional<ClassGroup> parseClassGroup(const std::string& s);
const char* classGroupName(ClassGroup g);

/// One row of the study's class table.
struct ClassInfo {
    std::string code;            ///< class code as a string, e.g. "1401" or "0101"
    std::uint16_t value = 0;     ///< raster value: the integer value of the code (1401, 101)
    std::string name;            ///< human name, shown as the GeoTIFF category name
    std::array<std::uint8_t, 3> rgb{200, 200, 200};
    ClassGroup group = ClassGroup::Other;
    bool urban_construction = false; ///< counts as urban construction land (development boundary)
    bool residential = false;        ///< residential land (population, park service coverage)
    double canopy = 0.0;             ///< vegetation vertical-projection share of the cell, 0..1
    double attached_green = 0.0;     ///< green-space share counted for the green-space rate, 0..1
    std::string water_use;           ///< water-use class key (e.g. "park", "farm", "industry"), may be empty
};

/// The class table: lookup by code string or raster value.
class ClassTable {
  public:
    ClassTable() = default;
    explicit ClassTable(std::vector<ClassInfo> rows);

    const std::vector<ClassInfo>& rows() const { return m_rows; }
    /// nullptr when the value / code is unknown.
    const ClassInfo* byValue(std::uint16_t value) const;
    const ClassInfo* byCode(const std::string& code) const;
    /// Integer value of a code string ("0101" -> 101). Throws InputError on non-digits.
    static std::uint16_t codeValue(const std::string& code);
    std::uint16_t maxValue() const { return m_max; }

  private:
    std::vector<ClassInfo> m_rows;
    std::vector<int> m_index_by_value; // value -> row index or -1
    std::uint16_t m_max = 0;
};

} // namespace xiongguan::raster
