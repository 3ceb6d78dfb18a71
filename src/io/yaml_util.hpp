#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

namespace xiongguan::io {

/// "file:line" for a YAML node (1-based line), for error messages.
std::string where(const std::string& file, const YAML::Node& node);

/// Throws ConfigError "file:line: key 'k' is not known in <section> (expected one of: ...)" for
/// the first key of the map `node` that is not in `allowed`.
void requireKnownKeys(const std::string& file, const YAML::Node& node, const std::set<std::string>& allowed,
                      const std::string& section);

/// Typed reads with errors naming the file, line and key. `def` when the key is absent.
std::string getString(const std::string& file, const YAML::Node& map, const std::string& key,
                      const std::string& def = "");
double getDouble(const std::string& file, const YAML::Node& map, const std::string& key, double def);
int getInt(const std::string& file, const YAML::Node& map, const std::string& key, int def);
bool getBool(const std::string& file, const YAML::Node& map, const std::string& key, bool def);
/// Reads a double and checks lo <= v <= hi.
double getDoubleIn(const std::string& file, const YAML::Node& map, const std::string& key, double def, double lo,
                   double hi);

/// Loads a YAML file; parse errors become ConfigError "file:line:col: message".
YAML::Node loadYamlFile(const std::string& path);

} // namespace xiongguan::io
