#include "scenario/batch.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "io/yaml_util.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

namespace xiongguan::scenario {

namespace fs = std::filesystem;
using core::cat;

namespace {

std::uint64_t readSeedValue(const std::string& file, const YAML::Node& n, const std::string& what) {
    static const std::regex re("^[0-9]{1,19}$");
    if (!n.IsScalar() || !std::regex_match(n.Scalar(), re))
        throw ConfigError(io::where(file, n) + ": " + what + " must be whole numbers >= 0, got '" +
                          (n.IsScalar() ? n.Scalar() : std::string("(not a number)")) + "'");
    try {
        return std::stoull(n.Scalar());
    } catch (const std::exception&) {
        throw ConfigError(io::where(file, n) + ": " + what + " value is too large, got '" + n.Scalar() + "'");
    }
}

// Scenario files of a folder: *.yaml, sorted, minus bases, _-files and batches.
std::vector<std::string> scenariosIn(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const std::string fname = e.path().filename().string();
        const std::string ext = e.path().extension().string();
        if (ext != ".yaml" && ext != ".yml") continue;
        const std::string stem = e.path().stem().string();
        if (stem == "base" || stem.rfind("base_", 0) == 0 || fname[0] == '_' || fname[0] == '.') continue;
        if (detectKind(e.path().string()) != "scenario") continue;
        out.push_back(e.path().lexically_normal().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void labelSweep(std::vector<SweepKey>& sweep) {
    std::map<std::string, int> count;
    auto last = [](const std::string& k) {
        const auto dot = k.rfind('.');
        return dot == std::string::npos ? k : k.substr(dot + 1);
    };
    for (const auto& s : sweep) ++count[last(s.key)];
    for (auto& s : sweep) {
        if (count[last(s.key)] > 1) {
            s.label = s.key;
            std::replace(s.label.begin(), s.label.end(), '.', '_');
        } else {
            s.label = last(s.key);
        }
    }
}

// Does a sweep key apply to a scenario?
bool applies(const SweepKey& k, const Scenario& s) {
    if (k.key.rfind("models.", 0) == 0) {
        const auto dot = k.key.find('.', 7);
        return s.hasModel(k.key.substr(0, dot));
    }
    return true;
}

} // namespace

std::string sanitizeForId(const std::string& s) {
    std::string out = s;
    for (char& c : out)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
    return out;
}

std::uint64_t derivedSeed(const std::string& run_id) {
    return core::mix64(core::hashString(("xiongguan.run:" + run_id).c_str()));
}

Batch loadBatch(const std::string& path) {
    const std::string file = normalisePath(path);
    if (!fs::exists(file)) throw IoError(cat(file, ": cannot open (no such file)"));
    const YAML::Node n = io::loadYamlFile(file);
    if (!n.IsMap()) throw ConfigError(file + ": a batch must be a map of keys (name, scenarios, sweep, seeds)");
    io::requireKnownKeys(file, n, {"name", "description", "scenarios", "sweep", "seeds", "parallel_runs"}, "batch");
    Batch b;
    b.path = file;
    b.name = fs::path(file).stem().string();
    if (const YAML::Node nm = n["name"]) {
        b.name = io::getString(file, n, "name");
        if (!isSafeName(b.name))
            throw ConfigError(io::where(file, nm) + ": 'name' '" + b.name +
                              "' must be a folder name (letters, digits, _ - . ; no '/', no '..', not starting with '.')");
    } else if (!isSafeName(b.name)) {
        throw ConfigError(file + ": the file name '" + b.name + "' is not a usable batch name; give 'name:'");
    }
    b.description = io::getString(file, n, "description");

    const YAML::Node sc = n["scenarios"];
    if (!sc) throw ConfigError(file + ": 'scenarios' is required (a list of scenario files, or a folder)");
    auto addPath = [&](const YAML::Node& item) {
        if (!item.IsScalar() || item.Scalar().empty())
            throw ConfigError(io::where(file, item) + ": 'scenarios' entries must be file or folder paths");
        const std::string p = resolveFrom(file, item.Scalar());
        if (!fs::exists(p)) throw ConfigError(io::where(file, item) + ": scenario '" + p + "' not found");
        if (fs::is_directory(p)) {
            const auto list = scenariosIn(p);
            if (list.empty()) throw ConfigError(io::where(file, item) + ": folder '" + p + "' holds no scenario file");
            b.scenarios.insert(b.scenarios.end(), list.begin(), list.end());
        } else {
            const std::string kind = detectKind(p);
            if (kind != "scenario")
                throw ConfigError(io::where(file, item) + ": '" + p + "' is not a scenario file (it looks like a " +
                                  (kind.empty() ? std::string("file of unknown kind") : kind) + ")");
            b.scenarios.push_back(p);
        }
    };
    if (sc.IsScalar()) {
        addPath(sc);
    } else if (sc.IsSequence()) {
        if (sc.size() == 0) throw ConfigError(io::where(file, sc) + ": 'scenarios' is empty");
        for (const auto& item : sc) addPath(item);
    } else {
        throw ConfigError(io::where(file, sc) + ": 'scenarios' must be a list of files or a folder");
    }
    {
        std::set<std::string> seen;
        for (const auto& s : b.scenarios)
            if (!seen.insert(s).second) throw ConfigError(io::where(file, sc) + ": scenario '" + s + "' is listed twice");
    }

    if (const YAML::Node sw = n["sweep"]) {
        if (!sw.IsMap()) throw ConfigError(io::where(file, sw) + ": 'sweep' must be a map of dotted keys to lists of values");
        for (const auto& kv : sw) {
            SweepKey k;
            k.key = kv.first.as<std::string>();
            const bool known = k.key == "seed" || k.key == "period.from" || k.key == "period.to" ||
                               (k.key.rfind("models.", 0) == 0 && std::count(k.key.begin(), k.key.end(), '.') >= 2 &&
                                k.key.find("..") == std::string::npos && k.key.back() != '.');
            if (!known)
                throw ConfigError(io::where(file, kv.first) + ": sweep key '" + k.key +
                                  "' is not known (expected seed, period.from, period.to or models.<type>.<param>)");
            if (!kv.second.IsSequence() || kv.second.size() == 0)
                throw ConfigError(io::where(file, kv.second) + ": sweep '" + k.key + "' must be a non-empty list of values");
            std::set<std::string> seen;
            for (const auto& v : kv.second) {
                if (!v.IsScalar())
                    throw ConfigError(io::where(file, v) + ": sweep '" + k.key + "' values must be single values, not lists or maps");
                if (k.key == "seed") readSeedValue(file, v, "sweep 'seed' values");
                if (!seen.insert(v.Scalar()).second)
                    throw ConfigError(io::where(file, v) + ": sweep '" + k.key + "' lists '" + v.Scalar() + "' twice");
                k.values.push_back(v);
            }
            b.sweep.push_back(std::move(k));
        }
    }
    if (const YAML::Node sd = n["seeds"]) {
        if (!sd.IsSequence() || sd.size() == 0)
            throw ConfigError(io::where(file, sd) + ": 'seeds' must be a non-empty list of whole numbers");
        for (const auto& v : sd) {
            const std::uint64_t s = readSeedValue(file, v, "'seeds'");
            if (std::find(b.seeds.begin(), b.seeds.end(), s) != b.seeds.end())
                throw ConfigError(io::where(file, v) + ": 'seeds' lists '" + v.Scalar() + "' twice");
            b.seeds.push_back(s);
        }
        for (const auto& k : b.sweep)
            if (k.key == "seed")
                throw ConfigError(io::where(file, sd) + ": give seeds either as 'seeds:' or as 'sweep: {seed: ...}', not both");
    }
    if (n["parallel_runs"]) {
        const int p = io::getInt(file, n, "parallel_runs", 1);
        if (p < 1 || p > 64)
            throw ConfigError(io::where(file, n["parallel_runs"]) + ": 'parallel_runs' must be between 1 and 64, got '" +
                              std::to_string(p) + "'");
        b.parallel_runs = p;
    }
    labelSweep(b.sweep);
    return b;
}

Batch folderBatch(const std::string& dir) {
    const std::string d = normalisePath(dir);
    Batch b;
    b.name = fs::path(d).filename().string();
    if (b.name.empty()) b.name = fs::path(d).parent_path().filename().string();
    if (!isSafeName(b.name)) throw ConfigError(d + ": the folder name '" + b.name + "' is not a usable batch name");
    b.scenarios = scenariosIn(d);
    if (b.scenarios.empty()) throw ConfigError(d + ": the folder holds no scenario file");
    return b;
}

Batch singleBatch(const std::string& scenario_path, std::optional<std::uint64_t> seed) {
    Batch b;
    const std::string p = normalisePath(scenario_path);
    const std::string kind = detectKind(p);
    if (kind != "scenario")
        throw ConfigError(p + ": is not a scenario file (it looks like a " + (kind.empty() ? std::string("file of unknown kind") : kind) + ")");
    b.scenarios.push_back(p);
    const Scenario s = loadScenario(p);
    b.name = s.name;
    if (seed) b.seeds.push_back(*seed);
    return b;
}

Batch loadBatchOrFolder(const std::string& path) {
    if (fs::is_directory(path)) return folderBatch(path);
    return loadBatch(path);
}

std::vector<RunSpec> plan(const Batch& batch) {
    std::vector<RunSpec> runs;
    std::vector<int> used(batch.sweep.size(), 0);
    std::map<std::string, std::string> id_owner; // run id -> scenario file
    for (const auto& file : batch.scenarios) {
        const Scenario base = loadScenario(file);
        std::vector<const SweepKey*> keys;
        for (size_t i = 0; i < batch.sweep.size(); ++i)
            if (applies(batch.sweep[i], base)) {
                keys.push_back(&batch.sweep[i]);
                ++used[i];
            }
        // Cartesian product, first key slowest.
        std::vector<size_t> idx(keys.size(), 0);
        const size_t n_seed = batch.seeds.empty() ? 1 : batch.seeds.size();
        while (true) {
            for (size_t si = 0; si < n_seed; ++si) {
                RunSpec r;
                r.batch = batch.name;
                std::string id = base.name;
                for (size_t k = 0; k < keys.size(); ++k) {
                    const YAML::Node& v = keys[k]->values[idx[k]];
                    r.assignments.push_back({keys[k]->key, v});
                    id += "__" + keys[k]->label + "-" + sanitizeForId(v.Scalar());
                }
                if (!batch.seeds.empty()) {
                    id += "__seed-" + std::to_string(batch.seeds[si]);
                    YAML::Node sv(std::to_string(batch.seeds[si]));
                    r.assignments.push_back({"seed", sv});
                }
                r.id = id;
                r.scenario = r.assignments.empty() ? base : loadScenario(file, r.assignments);
                r.seed = r.scenario.seed ? *r.scenario.seed : derivedSeed(r.id);
                auto [it, fresh] = id_owner.emplace(r.id, file);
                if (!fresh)
                    throw ConfigError(cat((batch.path.empty() ? file : batch.path), ": two runs have the id '", r.id,
                                          "' (from '", it->second, "' and '", file, "'): give the scenarios different names"));
                runs.push_back(std::move(r));
            }
            // Next combination (odometer, last key fastest).
            bool done = true;
            for (size_t k = keys.size(); k-- > 0;) {
                if (++idx[k] < keys[k]->values.size()) {
                    done = false;
                    break;
                }
                idx[k] = 0;
            }
            if (done) break;
        }
    }
    for (size_t i = 0; i < batch.sweep.size(); ++i)
        if (used[i] == 0)
            throw ConfigError(cat(batch.path, ": sweep key '", batch.sweep[i].key,
                                  "' applies to no scenario of the batch (no scenario runs that model)"));
    return runs;
}

} // namespace xiongguan::scenario
