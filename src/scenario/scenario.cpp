#include "scenario/scenario.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/study.hpp"
#include "io/yaml_util.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

namespace xiongguan::scenario {

namespace fs = std::filesystem;
using core::cat;

namespace {

const std::set<std::string> kScenarioKeys = {"name",   "description", "extends", "study",  "period",
                                             "seed",   "checks",      "models",  "outputs", "override"};

std::string scalarText(const YAML::Node& n) {
    if (n.IsScalar()) return n.Scalar();
    if (n.IsSequence()) return "(a list)";
    if (n.IsMap()) return "(a map)";
    return "(nothing)";
}

/// The merged document of a scenario and the file each dotted path came from.
struct Merged {
    YAML::Node doc{YAML::NodeType::Map};
    std::map<std::string, std::string> origin; // dotted path -> file
    std::vector<std::string> files;            // leaf first

    /// File of the longest known prefix of `path`.
    std::string fileOf(const std::string& path, const std::string& fallback) const {
        std::string p = path;
        while (true) {
            auto it = origin.find(p);
            if (it != origin.end()) return it->second;
            const auto dot = p.rfind('.');
            if (dot == std::string::npos) return fallback;
            p.resize(dot);
        }
    }
};

void eraseUnder(std::map<std::string, std::string>& origin, const std::string& path) {
    const std::string prefix = path + ".";
    for (auto it = origin.lower_bound(prefix); it != origin.end() && it->first.compare(0, prefix.size(), prefix) == 0;)
        it = origin.erase(it);
}

// Deep merge `src` over `dst`: maps merge key by key, anything else replaces.
void mergeInto(YAML::Node dst, const YAML::Node& src, const std::string& prefix, const std::string& file,
               std::map<std::string, std::string>& origin) {
    for (const auto& kv : src) {
        const std::string k = kv.first.as<std::string>();
        const std::string path = prefix.empty() ? k : prefix + "." + k;
        YAML::Node existing = dst[k];
        if (existing && existing.IsMap() && kv.second.IsMap()) {
            mergeInto(existing, kv.second, path, file, origin);
        } else {
            dst[k] = kv.second;
            eraseUnder(origin, path);
        }
        origin[path] = file;
    }
}

Merged loadMerged(const std::string& path, std::vector<std::string>& chain) {
    const std::string file = normalisePath(path);
    if (std::find(chain.begin(), chain.end(), file) != chain.end())
        throw ConfigError(cat(chain.back(), ": 'extends' makes a cycle through '", file, "'"));
    if (!fs::exists(file)) throw IoError(cat(file, ": cannot open (no such file)"));
    YAML::Node n = io::loadYamlFile(file);
    if (!n.IsMap()) throw ConfigError(cat(file, ": a scenario must be a map of keys (name, study, period, models, ...)"));
    io::requireKnownKeys(file, n, kScenarioKeys, "scenario");

    Merged m;
    if (const YAML::Node e = n["extends"]) {
        if (!e.IsScalar() || e.Scalar().empty())
            throw ConfigError(io::where(file, e) + ": 'extends' must be the path of a base scenario");
        const std::string base = resolveFrom(file, e.Scalar());
        if (!fs::exists(base))
            throw ConfigError(cat(io::where(file, e), ": 'extends': file '", base, "' not found"));
        chain.push_back(file);
        m = loadMerged(base, chain);
        chain.pop_back();
        // `name` is never inherited; `extends` was consumed.
        m.doc.remove("name");
        m.doc.remove("extends");
        m.origin.erase("name");
    }
    mergeInto(m.doc, n, "", file, m.origin);
    m.doc.remove("extends");
    m.files.insert(m.files.begin(), file);
    return m;
}

std::vector<std::string> splitDots(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const auto dot = s.find('.', start);
        out.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return out;
}

// Applies one dotted assignment to the merged document. `context` names where it came from
// ("file:line" of the key, or "batch sweep").
void applyAssignment(Merged& m, const Assignment& a, const std::string& context, const std::string& file) {
    const std::vector<std::string> parts = splitDots(a.key);
    for (const auto& p : parts)
        if (p.empty()) throw ConfigError(cat(context, ": key '", a.key, "' has an empty part"));
    if (a.key == "seed") {
        m.doc["seed"] = a.value;
        m.origin["seed"] = file;
        return;
    }
    if (a.key == "period.from" || a.key == "period.to") {
        if (!m.doc["period"] || !m.doc["period"].IsMap()) m.doc["period"] = YAML::Node(YAML::NodeType::Map);
        m.doc["period"][parts[1]] = a.value;
        m.origin[a.key] = file;
        return;
    }
    if (parts.size() >= 3 && parts[0] == "models") {
        const std::string type = parts[0] + "." + parts[1];
        YAML::Node models = m.doc["models"];
        int applied = 0;
        if (models && models.IsSequence()) {
            for (YAML::Node entry : models) {
                if (!entry.IsMap() || !entry["type"] || !entry["type"].IsScalar() || entry["type"].Scalar() != type)
                    continue;
                // Node::operator= assigns through the reference in yaml-cpp; reset() rebinds.
                YAML::Node node;
                node.reset(entry);
                for (size_t i = 2; i + 1 < parts.size(); ++i) {
                    YAML::Node child = node[parts[i]];
                    if (!child || !child.IsMap()) node[parts[i]] = YAML::Node(YAML::NodeType::Map);
                    YAML::Node next = node[parts[i]];
                    node.reset(next);
                }
                node[parts.back()] = a.value;
                ++applied;
            }
        }
        if (applied == 0)
            throw ConfigError(cat(context, ": key '", a.key, "' names model '", type,
                                  "' but the scenario has no such model"));
        return;
    }
    throw ConfigError(cat(context, ": key '", a.key,
                          "' cannot be set (expected seed, period.from, period.to or models.<type>.<param>)"));
}

std::uint64_t readSeed(const std::string& file, const YAML::Node& n) {
    if (!n.IsScalar()) throw ConfigError(io::where(file, n) + ": 'seed' must be a whole number >= 0");
    static const std::regex re("^[0-9]{1,19}$");
    const std::string s = n.Scalar();
    if (!std::regex_match(s, re))
        throw ConfigError(io::where(file, n) + ": 'seed' must be a whole number >= 0, got '" + s + "'");
    try {
        return std::stoull(s);
    } catch (const std::exception&) {
        throw ConfigError(io::where(file, n) + ": 'seed' is too large, got '" + s + "'");
    }
}

int readYear(const std::string& file, const YAML::Node& map, const std::string& key) {
    const int y = io::getInt(file, map, key, 0);
    if (y < 1900 || y > 2200)
        throw ConfigError(io::where(file, map[key]) + ": 'period." + key + "' must be a year between 1900 and 2200, got '" +
                          scalarText(map[key]) + "'");
    return y;
}

} // namespace

bool Scenario::hasModel(const std::string& type) const {
    for (const auto& m : models)
        if (m.type == type) return true;
    return false;
}

bool isSafeName(const std::string& s) {
    static const std::regex re("^[A-Za-z0-9_-][A-Za-z0-9_.-]*$");
    return !s.empty() && s.size() <= 200 && std::regex_match(s, re) && s.find("..") == std::string::npos;
}

nlohmann::ordered_json yamlToJson(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Sequence: {
        nlohmann::ordered_json a = nlohmann::ordered_json::array();
        for (const auto& n : node) a.push_back(yamlToJson(n));
        return a;
    }
    case YAML::NodeType::Map: {
        nlohmann::ordered_json o = nlohmann::ordered_json::object();
        for (const auto& kv : node) o[kv.first.as<std::string>()] = yamlToJson(kv.second);
        return o;
    }
    case YAML::NodeType::Scalar: break;
    }
    const std::string s = node.Scalar();
    if (node.Tag() == "!") return s; // quoted
    static const std::regex int_re("^[-+]?[0-9]+$");
    static const std::regex num_re("^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$");
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s == "null" || s == "~" || s == "Null" || s == "NULL" || s.empty()) return nullptr;
    if (std::regex_match(s, int_re)) {
        try {
            return static_cast<std::int64_t>(std::stoll(s));
        } catch (const std::exception&) {
        }
    }
    if (std::regex_match(s, num_re)) {
        try {
            return std::stod(s);
        } catch (const std::exception&) {
        }
    }
    return s;
}

std::string normalisePath(const std::string& p) {
    std::error_code ec;
    fs::path abs = fs::absolute(fs::path(p), ec);
    return (ec ? fs::path(p) : abs).lexically_normal().string();
}

std::string resolveFrom(const std::string& file, const std::string& rel) {
    fs::path p(rel);
    if (p.is_absolute()) return p.lexically_normal().string();
    return (fs::path(file).parent_path() / p).lexically_normal().string();
}

std::string detectKind(const std::string& path) {
    if (!fs::exists(path)) throw IoError(cat(path, ": cannot open (no such file)"));
    if (fs::is_directory(path)) return "folder";
    const YAML::Node n = io::loadYamlFile(path);
    if (!n.IsMap()) return "";
    if (n["scenarios"]) return "batch";
    if (n["layers"] || n["grid"] || n["classes"]) return "study";
    if (n["models"] || n["period"] || n["study"] || n["extends"]) return "scenario";
    return "";
}

Scenario loadScenario(const std::string& path, const std::vector<Assignment>& extra) {
    std::vector<std::string> chain;
    Merged m = loadMerged(path, chain);
    const std::string leaf = m.files.front();
    YAML::Node& d = m.doc;

    // override: (merged over the chain), then the batch's assignments.
    if (const YAML::Node ov = d["override"]) {
        const std::string f = m.fileOf("override", leaf);
        if (!ov.IsMap()) throw ConfigError(io::where(f, ov) + ": 'override' must be a map of dotted keys to values");
        std::vector<std::pair<Assignment, std::string>> items;
        for (const auto& kv : ov) {
            const std::string k = kv.first.as<std::string>();
            const std::string kf = m.fileOf("override." + k, leaf);
            items.push_back({Assignment{k, kv.second}, io::where(kf, kv.first) + ": override"});
        }
        for (const auto& [a, ctx] : items) applyAssignment(m, a, ctx, m.fileOf("override." + a.key, leaf));
        d.remove("override");
    }
    for (const auto& a : extra) applyAssignment(m, a, leaf + ": batch sweep", leaf);

    Scenario s;
    s.path = leaf;
    s.files = m.files;

    // name (not inherited): the leaf's, else its file name.
    if (const YAML::Node n = d["name"]) {
        if (!n.IsScalar()) throw ConfigError(io::where(leaf, n) + ": 'name' must be a text value");
        s.name = n.Scalar();
        if (!isSafeName(s.name))
            throw ConfigError(io::where(leaf, n) + ": 'name' '" + s.name +
                              "' must be a folder name (letters, digits, _ - . ; no '/', no '..', not starting with '.')");
    } else {
        s.name = fs::path(leaf).stem().string();
        if (!isSafeName(s.name))
            throw ConfigError(leaf + ": the file name '" + s.name + "' is not a usable run name; give 'name:'");
    }
    s.description = io::getString(m.fileOf("description", leaf), d, "description");

    // study
    {
        const std::string f = m.fileOf("study", leaf);
        const YAML::Node n = d["study"];
        if (!n) throw ConfigError(leaf + ": 'study' is required (the study file, e.g. ../data/jiayuguan/study.yaml)");
        if (!n.IsScalar() || n.Scalar().empty())
            throw ConfigError(io::where(f, n) + ": 'study' must be the path of a study file");
        s.study = resolveFrom(f, n.Scalar());
        if (!fs::exists(s.study))
            throw ConfigError(io::where(f, n) + ": 'study': file '" + s.study + "' not found");
    }

    // period
    {
        const std::string f = m.fileOf("period", leaf);
        const YAML::Node p = d["period"];
        if (!p) throw ConfigError(leaf + ": 'period' is required ({from: <observed year>, to: <year>})");
        if (!p.IsMap())
            throw ConfigError(io::where(f, p) + ": 'period' must be a map {from: <year>, to: <year>}, got '" +
                              scalarText(p) + "'");
        io::requireKnownKeys(f, p, {"from", "to"}, "period");
        if (!p["from"]) throw ConfigError(io::where(f, p) + ": 'period.from' is required");
        const std::string ff = m.fileOf("period.from", leaf);
        s.year_from = readYear(ff, p, "from");
        s.year_to = s.year_from;
        if (p["to"]) {
            const std::string ft = m.fileOf("period.to", leaf);
            s.year_to = readYear(ft, p, "to");
            if (s.year_to < s.year_from)
                throw ConfigError(io::where(ft, p["to"]) + ": 'period' runs backwards: to '" +
                                  std::to_string(s.year_to) + "' is before from '" + std::to_string(s.year_from) + "'");
            if (s.year_to > s.year_from + 100)
                throw ConfigError(io::where(ft, p["to"]) + ": 'period.to' '" + std::to_string(s.year_to) +
                                  "' is more than 100 years after period.from");
        }
        const io::StudyArea study = io::loadStudy(s.study);
        const std::vector<int> years = study.landuseYears();
        if (std::find(years.begin(), years.end(), s.year_from) == years.end()) {
            std::string list;
            for (int y : years) list += (list.empty() ? "" : ", ") + std::to_string(y);
            throw ConfigError(io::where(ff, p["from"]) + ": 'period.from' '" + std::to_string(s.year_from) +
                              "' has no land-use map in study '" + s.study + "' (observed years: " + list + ")");
        }
    }

    if (const YAML::Node n = d["seed"]) s.seed = readSeed(m.fileOf("seed", leaf), n);

    // checks
    if (const YAML::Node c = d["checks"]) {
        const std::string f = m.fileOf("checks", leaf);
        if (!c.IsSequence())
            throw ConfigError(io::where(f, c) + ": 'checks' must be a list of {type: checks.<name>} entries");
        std::optional<std::string> review, as_of;
        for (const auto& e : c) {
            std::string type;
            if (e.IsScalar()) {
                type = e.Scalar();
            } else if (e.IsMap()) {
                io::requireKnownKeys(f, e, {"type", "review_layer", "as_of"}, "check entry");
                if (!e["type"]) throw ConfigError(io::where(f, e) + ": check entry needs 'type'");
                type = io::getString(f, e, "type");
                if (e["review_layer"]) {
                    const std::string r = io::getString(f, e, "review_layer");
                    if (review && *review != r)
                        throw ConfigError(io::where(f, e["review_layer"]) + ": 'review_layer' '" + r +
                                          "' differs from '" + *review + "' of another check (they run together)");
                    review = r;
                }
                if (e["as_of"]) {
                    const std::string a = io::getString(f, e, "as_of");
                    static const std::regex date_re("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
                    if (!std::regex_match(a, date_re))
                        throw ConfigError(io::where(f, e["as_of"]) + ": 'as_of' must be a date YYYY-MM-DD, got '" + a + "'");
                    if (as_of && *as_of != a)
                        throw ConfigError(io::where(f, e["as_of"]) + ": 'as_of' '" + a + "' differs from '" + *as_of +
                                          "' of another check (they run together)");
                    as_of = a;
                }
            } else {
                throw ConfigError(io::where(f, e) + ": a check entry must be a check id or {type: ...}");
            }
            if (type.rfind("checks.", 0) != 0 || type.size() <= 7)
                throw ConfigError(io::where(f, e) + ": check type '" + type + "' must be a check id like 'checks.red_line'");
            if (std::find(s.checks.begin(), s.checks.end(), type) != s.checks.end())
                throw ConfigError(io::where(f, e) + ": check '" + type + "' is listed twice");
            s.checks.push_back(type);
        }
        if (review) s.review_layer = *review;
        if (as_of) s.as_of = *as_of;
    }

    // models
    if (const YAML::Node ms = d["models"]) {
        const std::string f = m.fileOf("models", leaf);
        if (!ms.IsSequence())
            throw ConfigError(io::where(f, ms) + ": 'models' must be a list of {type: models.<name>, ...} entries");
        for (const auto& e : ms) {
            if (!e.IsMap()) throw ConfigError(io::where(f, e) + ": a model entry must be a map {type: models.<name>, ...}");
            if (!e["type"]) throw ConfigError(io::where(f, e) + ": model entry needs 'type'");
            ModelEntry me;
            me.type = io::getString(f, e, "type");
            if (me.type.rfind("models.", 0) != 0 || me.type.size() <= 7)
                throw ConfigError(io::where(f, e["type"]) + ": model type '" + me.type +
                                  "' must be a model id like 'models.green_cover'");
            me.params = YAML::Node(YAML::NodeType::Map);
            for (const auto& kv : e)
                if (kv.first.as<std::string>() != "type") me.params[kv.first] = kv.second;
            me.file = f;
            me.location = io::where(f, e);
            s.models.push_back(std::move(me));
        }
    }

    // outputs
    if (const YAML::Node o = d["outputs"]) {
        const std::string f = m.fileOf("outputs", leaf);
        if (!o.IsMap()) throw ConfigError(io::where(f, o) + ": 'outputs' must be a map");
        io::requireKnownKeys(f, o, {"formats", "landuse_maps", "quicklooks"}, "outputs");
        if (const YAML::Node fm = o["formats"]) {
            const std::string ff = m.fileOf("outputs.formats", leaf);
            if (!fm.IsSequence() || fm.size() == 0)
                throw ConfigError(io::where(ff, fm) + ": 'outputs.formats' must be a non-empty list of shp, gpkg");
            s.formats.clear();
            for (const auto& v : fm) {
                const std::string t = v.IsScalar() ? v.Scalar() : scalarText(v);
                if (t != "shp" && t != "gpkg")
                    throw ConfigError(io::where(ff, v) + ": output format '" + t + "' is not known (expected shp or gpkg)");
                if (std::find(s.formats.begin(), s.formats.end(), t) == s.formats.end()) s.formats.push_back(t);
            }
        }
        if (o["landuse_maps"]) {
            const std::string fl = m.fileOf("outputs.landuse_maps", leaf);
            s.landuse_maps = io::getString(fl, o, "landuse_maps");
            if (s.landuse_maps != "none" && s.landuse_maps != "final" && s.landuse_maps != "all")
                throw ConfigError(io::where(fl, o["landuse_maps"]) + ": 'outputs.landuse_maps' must be none, final or all, got '" +
                                  s.landuse_maps + "'");
        }
        s.quicklooks = io::getBool(m.fileOf("outputs.quicklooks", leaf), o, "quicklooks", true);
    }

    s.resolved = yamlToJson(d);
    s.resolved["name"] = s.name;
    return s;
}

} // namespace xiongguan::scenario
