#include "report/metrics.hpp"

#include "io/atomic_file.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

namespace xiongguan::report {

namespace {

void flattenInto(const nlohmann::ordered_json& v, const std::string& prefix, std::vector<FlatMetric>& out) {
    if (v.is_object()) {
        for (const auto& [k, child] : v.items()) flattenInto(child, prefix.empty() ? k : prefix + "." + k, out);
    } else if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i)
            flattenInto(v[i], prefix.empty() ? std::to_string(i) : prefix + "." + std::to_string(i), out);
    } else {
        out.emplace_back(prefix, v);
    }
}

std::string lastPart(const std::string& key) {
    const auto dot = key.rfind('.');
    return dot == std::string::npos ? key : key.substr(dot + 1);
}

} // namespace

std::vector<FlatMetric> flatten(const nlohmann::ordered_json& metrics) {
    std::vector<FlatMetric> out;
    flattenInto(metrics, "", out);
    return out;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

std::string scalarText(const nlohmann::ordered_json& v) {
    if (v.is_null()) return "";
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d)) return std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf");
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.12g", d);
        return buf;
    }
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

std::vector<std::string> writeMetricsFiles(const std::string& dir, const nlohmann::ordered_json& metrics) {
    io::writeTextFile(dir + "/metrics.json", metrics.dump(2) + "\n");
    std::string csv = "key,value\n";
    for (const auto& [k, v] : flatten(metrics)) csv += csvField(k) + "," + csvField(scalarText(v)) + "\n";
    io::writeTextFile(dir + "/metrics.csv", csv);
    return {"metrics.json", "metrics.csv"};
}

std::vector<Indicator> findIndicators(const nlohmann::ordered_json& metrics) {
    std::vector<Indicator> out;
    std::function<void(const nlohmann::ordered_json&, const std::string&)> walk = [&](const nlohmann::ordered_json& v,
                                                                                    const std::string& prefix) {
        if (!v.is_object()) return;
        if (v.contains("value") && v["value"].is_number()) {
            Indicator ind;
            ind.key = prefix;
            ind.value = v["value"].get<double>();
            if (v.contains("unit") && v["unit"].is_string()) ind.unit = v["unit"].get<std::string>();
            if (v.contains("estimate") && v["estimate"].is_boolean()) ind.estimate = v["estimate"].get<bool>();
            if (v.contains("thresholds") && v["thresholds"].is_object()) {
                for (const auto& [name, t] : v["thresholds"].items()) {
                    Indicator::Mark m;
                    m.name = name;
                    if (t.is_number()) m.threshold = t.get<double>();
                    if (v.contains("pass") && v["pass"].is_object() && v["pass"].contains(name) &&
                        v["pass"][name].is_boolean())
                        m.pass = v["pass"][name].get<bool>();
                    ind.marks.push_back(m);
                }
            } else if (v.contains("threshold") || v.contains("pass")) {
                Indicator::Mark m;
                if (v.contains("threshold") && v["threshold"].is_number()) m.threshold = v["threshold"].get<double>();
                if (v.contains("pass") && v["pass"].is_boolean()) m.pass = v["pass"].get<bool>();
                ind.marks.push_back(m);
            }
            out.push_back(std::move(ind));
            return;
        }
        for (const auto& [k, child] : v.items()) walk(child, prefix.empty() ? k : prefix + "." + k);
    };
    walk(metrics, "");
    return out;
}

std::vector<std::pair<std::string, double>> keyIndicators(const std::vector<FlatMetric>& flat) {
    // For each column: predicates on the flattened key, tried in order; first numeric match wins.
    struct Column {
        const char* label;
        std::vector<std::function<bool(const std::string&)>> tests;
    };
    auto named = [](const char* name) {
        return [name](const std::string& k) {
            const std::string last = lastPart(k);
            if (last == name) return true;
            if (last == "value") {
                const std::string parent = k.substr(0, k.size() - 6);
                return lastPart(parent) == name;
            }
            return false;
        };
    };
    auto contains2 = [](const char* a, const char* b) {
        return [a, b](const std::string& k) {
            std::string last = lastPart(k);
            if (last == "value") last = lastPart(k.substr(0, k.size() - 6));
            return last.find(a) != std::string::npos && last.find(b) != std::string::npos;
        };
    };
    const std::vector<Column> columns = {
        {"green_space_rate", {named("green_space_rate")}},
        {"green_cover_rate", {named("green_cover_rate")}},
        {"park_m2_per_person", {named("park_green_m2_per_person"), contains2("park", "per_person")}},
        {"water_demand_m3", {named("water_demand_m3_per_year"), named("demand_m3_per_year"), contains2("demand", "m3")}},
        {"deficit_m3", {named("deficit_m3_per_year"), contains2("deficit", "m3")}},
        {"violations", {[](const std::string& k) { return k == "checks.total.fail"; }, named("violations"),
                        contains2("violation", "count")}},
    };
    std::vector<std::pair<std::string, double>> out;
    for (const auto& c : columns) {
        bool found = false;
        for (const auto& t : c.tests) {
            for (const auto& [k, v] : flat) {
                if (v.is_number() && t(k)) {
                    out.emplace_back(c.label, v.get<double>());
                    found = true;
                    break;
                }
            }
            if (found) break;
        }
    }
    // Land in breach of a control line on the final map: the sum of the compliance hectares.
    double breach = 0.0;
    bool any = false;
    for (const auto& [k, v] : flat)
        if (k.rfind("compliance.", 0) == 0 && k.size() > 3 && k.compare(k.size() - 3, 3, "_ha") == 0 && v.is_number()) {
            breach += v.get<double>();
            any = true;
        }
    if (any) out.emplace_back("breach_ha", breach);
    return out;
}

} // namespace xiongguan::report
