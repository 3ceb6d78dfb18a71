#include "io/yaml_util.hpp"

#include "core/errors.hpp"

#include <cmath>
#include <fstream>

namespace xiongguan::io {

std::string where(const std::string& file, const YAML::Node& node) {
    const auto m = node.Mark();
    if (m.line < 0) return file;
    return file + ":" + std::to_string(m.line + 1);
}

void requireKnownKeys(const std::string& file, const YAML::Node& node, const std::set<std::string>& allowed,
                      const std::string& section) {
    if (!node.IsMap()) throw ConfigError(where(file, node) + ": " + section + " must be a map");
    for (const auto& kv : node) {
        const std::string k = kv.first.as<std::string>();
        if (!allowed.count(k)) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            throw ConfigError(where(file, kv.first) + ": key '" + k + "' is not known in " + section +
                              " (expected one of: " + list + ")");
        }
    }
}

std::string getString(const std::string& file, const YAML::Node& map, const std::string& key,
                      const std::string& def) {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) return def;
    if (!n.IsScalar()) throw ConfigError(where(file, n) + ": '" + key + "' must be a text value");
    return n.as<std::string>();
}

double getDouble(const std::string& file, const YAML::Node& map, const std::string& key, double def) {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) return def;
    try {
        double v = n.as<double>();
        if (!std::isfinite(v)) throw YAML::Exception(n.Mark(), "not finite");
        return v;
    } catch (const YAML::Exception&) {
        throw ConfigError(where(file, n) + ": '" + key + "' must be a number, got '" +
                          (n.IsScalar() ? n.as<std::string>() : std::string("(not a scalar)")) + "'");
    }
}

int getInt(const std::string& file, const YAML::Node& map, const std::string& key, int def) {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) return def;
    try {
        return n.as<int>();
    } catch (const YAML::Exception&) {
        throw ConfigError(where(file, n) + ": '" + key + "' must be a whole number, got '" +
                          (n.IsScalar() ? n.as<std::string>() : std::string("(not a scalar)")) + "'");
    }
}

bool getBool(const std::string& file, const YAML::Node& map, const std::string& key, bool def) {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) return def;
    try {
        return n.as<bool>();
    } catch (const YAML::Exception&) {
        throw ConfigError(where(file, n) + ": '" + key + "' must be true or false, got '" +
                          (n.IsScalar() ? n.as<std::string>() : std::string("(not a scalar)")) + "'");
    }
}

double getDoubleIn(const std::string& file, const YAML::Node& map, const std::string& key, double def, double lo,
                   double hi) {
    double v = getDouble(file, map, key, def);
    if (v < lo || v > hi) {
        std::ostringstream os;
        os << where(file, map[key]) << ": '" << key << "' must be between " << lo << " and " << hi << ", got '" << v
           << "'";
        throw ConfigError(os.str());
    }
    return v;
}

YAML::Node loadYamlFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw IoError(path + ": cannot open");
    try {
        return YAML::Load(in);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                          ": YAML syntax error: " + e.msg);
    }
}

} // namespace xiongguan::io
