#include "raster/classes.hpp"

#include "core/errors.hpp"

#include <map>

namespace xiongguan::raster {

namespace {
const std::map<std::string, ClassGroup>& groupNames() {
    static const std::map<std::string, ClassGroup> m = {
        {"built", ClassGroup::Built},         {"green", ClassGroup::Green},
        {"farmland", ClassGroup::Farmland},   {"orchard", ClassGroup::Orchard},
        {"forest", ClassGroup::Forest},       {"grassland", ClassGroup::Grassland},
        {"wetland", ClassGroup::Wetland},     {"agri_facility", ClassGroup::AgriFacility},
        {"water", ClassGroup::Water},         {"bare", ClassGroup::Bare},
        {"transport", ClassGroup::Transport}, {"special", ClassGroup::Special},
        {"other", ClassGroup::Other}};
    return m;
}
} // namespace

std::optional<ClassGroup> parseClassGroup(const std::string& s) {
    auto it = groupNames().find(s);
    if (it == groupNames().end()) return std::nullopt;
    return it->second;
}

const char* classGroupName(ClassGroup g) {
    for (const auto& [name, group] : groupNames())
        if (group == g) return name.c_str();
    return "other";
}

std::uint16_t ClassTable::codeValue(const std::string& code) {
    if (code.empty() || code.size() > 5) throw InputError("class code '" + code + "': expected 1 to 5 digits");
    unsigned v = 0;
    for (char c : code) {
        if (c < '0' || c > '9') throw InputError("class code '" + code + "': expected digits only");
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v == 0 || v > 65535) throw InputError("class code '" + code + "': value must be 1..65535");
    return static_cast<std::uint16_t>(v);
}

ClassTable::ClassTable(std::vector<ClassInfo> rows) : m_rows(std::move(rows)) {
    for (auto& r : m_rows) {
        r.value = codeValue(r.code);
        if (r.value > m_max) m_max = r.value;
    }
    m_index_by_value.assign(static_cast<size_t>(m_max) + 1, -1);
    for (size_t i = 0; i < m_rows.size(); ++i) {
        int& slot = m_index_by_value[m_rows[i].value];
        if (slot >= 0)
            throw ConfigError("class table: codes '" + m_rows[static_cast<size_t>(slot)].code + "' and '" +
                              m_rows[i].code + "' have the same raster value " +
                              std::to_string(m_rows[i].value));
        slot = static_cast<int>(i);
    }
}

const ClassInfo* ClassTable::byValue(std::uint16_t value) const {
    if (value >= m_index_by_value.size()) return nullptr;
    int i = m_index_by_value[value];
    return i < 0 ? nullptr : &m_rows[static_cast<size_t>(i)];
}

const ClassInfo* ClassTable::byCode(const std::string& code) const {
    for (const auto& r : m_rows)
        if (r.code == code) return &r;
    return nullptr;
}

} // namespace xiongguan::raster
