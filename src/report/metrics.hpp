#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xiongguan::report {

/// One flattened metric: dotted key ("models.green_cover.green_cover_rate.value") and a scalar
/// JSON value (number, bool, string or null).
using FlatMetric = std::pair<std::string, nlohmann::ordered_json>;

/// Flattens nested objects into dotted keys (arrays get their index as a key part), in document
/// order. Scalars at the top level are kept under their key.
std::vector<FlatMetric> flatten(const nlohmann::ordered_json& metrics);

/// A CSV field: quoted when it holds a comma, quote or newline (RFC 4180).
std::string csvField(const std::string& s);
/// Text of a scalar JSON value for CSV / HTML: numbers with up to 12 significant digits, bools as
/// true/false, null as "".
std::string scalarText(const nlohmann::ordered_json& v);

/// Writes `metrics.json` (2-space indented) and `metrics.csv` (key,value) into `dir`, atomically.
/// Returns the file names written. \throws IoError.
std::vector<std::string> writeMetricsFiles(const std::string& dir, const nlohmann::ordered_json& metrics);

/// An indicator found in metrics: an object with a numeric "value" (see docs/SCENARIO_FORMAT.md).
struct Indicator {
    std::string key;      ///< dotted path of the object
    double value = 0.0;
    std::string unit;
    /// (threshold name, threshold value, pass) triples; name "" for a single `threshold`.
    struct Mark {
        std::string name;
        std::optional<double> threshold;
        std::optional<bool> pass;
    };
    std::vector<Mark> marks;
    bool estimate = false;
};
/// Every indicator object in a metrics document, in document order.
std::vector<Indicator> findIndicators(const nlohmann::ordered_json& metrics);

/// Key indicators for the batch table: (column label, value) for the ones found, in a fixed order:
/// green-space rate, green-cover rate, park m²/person, water demand, deficit, violations (failing
/// parcels of the checks), breach_ha (sum of the `compliance.*_ha` of the final map).
std::vector<std::pair<std::string, double>> keyIndicators(const std::vector<FlatMetric>& flat);

} // namespace xiongguan::report
