#include "simulate/water_quota.hpp"

#include "core/errors.hpp"

#include <algorithm>

namespace xiongguan::simulate {

std::optional<IrrigationMethod> parseIrrigationMethod(const std::string& s) {
    if (s == "flood") return IrrigationMethod::Flood;
    if (s == "furrow") return IrrigationMethod::Furrow;
    if (s == "pipe") return IrrigationMethod::Pipe;
    if (s == "sprinkler") return IrrigationMethod::Sprinkler;
    if (s == "micro") return IrrigationMethod::Micro;
    if (s == "drip") return IrrigationMethod::Drip;
    return std::nullopt;
}

const char* irrigationMethodName(IrrigationMethod m) {
    switch (m) {
    case IrrigationMethod::Flood: return "flood";
    case IrrigationMethod::Furrow: return "furrow";
    case IrrigationMethod::Pipe: return "pipe";
    case IrrigationMethod::Sprinkler: return "sprinkler";
    case IrrigationMethod::Micro: return "micro";
    case IrrigationMethod::Drip: return "drip";
    }
    return "flood";
}

double defaultEfficiency(IrrigationMethod m) {
    switch (m) {
    case IrrigationMethod::Flood: return 0.55;
    case IrrigationMethod::Furrow: return 0.65;
    case IrrigationMethod::Pipe: return 0.80;
    case IrrigationMethod::Sprinkler: return 0.80;
    case IrrigationMethod::Micro: return 0.85;
    case IrrigationMethod::Drip: return 0.90;
    }
    return 0.55;
}

bool isEfficientMethod(IrrigationMethod m) {
    return m == IrrigationMethod::Sprinkler || m == IrrigationMethod::Micro || m == IrrigationMethod::Drip;
}

const char* useKindName(UseKind k) {
    switch (k) {
    case UseKind::UrbanGreen: return "urban_green";
    case UseKind::Farm: return "farm";
    case UseKind::Ecological: return "ecological";
    case UseKind::Industry: return "industry";
    case UseKind::None: return "none";
    }
    return "none";
}

std::string irrigationKindOf(UseKind k) {
    if (k == UseKind::UrbanGreen) return "urban_green";
    if (k == UseKind::Farm) return "farm";
    return "";
}

WaterUseTable WaterUseTable::defaults() {
    WaterUseTable t;
    auto add = [&](const std::string& key, UseKind kind, double net, double ind, const std::string& der) {
        t.uses[key] = WaterUse{key, kind, net, ind, "[E]", der};
    };
    const std::string et = "ET0 1.05 m x Kc - 0.05 m effective rain (DOMAIN 4)";
    add("park", UseKind::UrbanGreen, 0.63, 0, et + ", Kc 0.65 (turf 0.8 and trees 0.5 mixed)");
    add("urban_green", UseKind::UrbanGreen, 0.63, 0, et + ", Kc 0.65");
    add("green", UseKind::UrbanGreen, 0.63, 0, et + ", Kc 0.65");
    add("protective_green", UseKind::UrbanGreen, 0.47, 0, et + ", Kc 0.5 (trees and shrubs)");
    add("square", UseKind::UrbanGreen, 0.16, 0, et + ", Kc 0.2 (lawn share of plazas)");
    add("farm", UseKind::Farm, 0.40, 0, "Hexi maize 485 m3/mu flood at efficiency 0.55 -> 0.40 m net");
    add("cropland", UseKind::Farm, 0.40, 0, "as farm");
    add("orchard", UseKind::Farm, 0.45, 0, "ET0 x Kc 0.5 - rain");
    add("forest", UseKind::Farm, 0.30, 0, "irrigated shelterbelts, ET0 x Kc 0.33 - rain");
    add("wetland", UseKind::Ecological, 0.95, 0, "ET0 x Kc 0.95 - rain (reed wetland replenishment)");
    add("lake", UseKind::Ecological, 1.00, 0, "open-water evaporation ~ ET0 - rain");
    add("industry", UseKind::Industry, 0, 2.0,
        "industry 35-60 x 10^6 m3/yr (DOMAIN 1) over ~23 km2 of industrial, storage and power land");
    for (const char* k : {"none", "residential", "public", "commercial", "transport", "storage", "utility",
                          "special", "bare", "water", "river", "grassland"})
        add(k, UseKind::None, 0, 0, "no area-based demand (domestic water from the population)");
    return t;
}

const WaterUse* WaterUseTable::find(const std::string& key) const {
    auto it = uses.find(key);
    return it == uses.end() ? nullptr : &it->second;
}

DistrictMap loadDistricts(const io::StudyArea& study) {
    DistrictMap out;
    if (!study.has("irrigation")) return out;
    const auto& spec = study.layer("irrigation");
    vector::VectorLayer layer = io::loadVector(study, "irrigation");
    const int f_id = layer.requireField(spec.field("district_id"));
    const int f_name = layer.fieldIndex(spec.field("name"));
    const int f_kind = layer.requireField(spec.field("kind"));
    const int f_method = layer.requireField(spec.field("method"));
    const int f_eff = layer.fieldIndex(spec.field("efficiency"));
    const int f_node = layer.requireField(spec.field("node"));
    std::vector<const std::vector<std::uint8_t>*> wkbs;
    std::vector<double> values;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        IrrigationDistrict d;
        const auto fid = std::to_string(layer.features[i].fid);
        d.district_id = layer.value(i, f_id).value_or("district_" + fid);
        d.name = f_name >= 0 ? layer.value(i, f_name).value_or("") : "";
        d.kind = layer.value(i, f_kind).value_or("");
        if (d.kind != "urban_green" && d.kind != "farm")
            throw InputError(layer.path + ": irrigation feature " + fid + " field 'kind': '" + d.kind +
                             "'; expected urban_green or farm");
        const std::string m = layer.value(i, f_method).value_or("");
        auto pm = parseIrrigationMethod(m);
        if (!pm)
            throw InputError(layer.path + ": irrigation feature " + fid + " field 'method': '" + m +
                             "'; expected flood, furrow, pipe, sprinkler, micro or drip");
        d.method = *pm;
        d.efficiency = defaultEfficiency(*pm);
        if (f_eff >= 0) {
            if (auto e = layer.number(i, f_eff)) {
                if (!(*e > 0.0 && *e <= 1.0))
                    throw InputError(layer.path + ": irrigation feature " + fid + " field 'efficiency': '" +
                                     std::to_string(*e) + "'; expected a share in (0, 1]");
                d.efficiency = *e;
            }
        }
        d.node = layer.value(i, f_node).value_or("");
        d.wkb = layer.features[i].wkb;
        out.districts.push_back(std::move(d));
    }
    for (size_t i = 0; i < out.districts.size(); ++i) {
        wkbs.push_back(&out.districts[i].wkb);
        values.push_back(static_cast<double>(i + 1));
    }
    out.index = io::rasterizeGeometries(study.grid, wkbs, values, false, 0);
    return out;
}

double MethodPolicy::efficiencyOf(IrrigationMethod m) const {
    auto it = efficiency.find(irrigationMethodName(m));
    return it != efficiency.end() ? it->second : defaultEfficiency(m);
}

std::pair<IrrigationMethod, double> MethodPolicy::resolve(const std::string& kind, const IrrigationDistrict* d) const {
    auto ov = overrides.find(kind);
    if (d) {
        if (ov == overrides.end() || ov->second == d->method) return {d->method, d->efficiency};
        return {ov->second, efficiencyOf(ov->second)};
    }
    if (ov != overrides.end()) return {ov->second, efficiencyOf(ov->second)};
    auto it = outside_default.find(kind);
    const IrrigationMethod m = it != outside_default.end() ? it->second : IrrigationMethod::Flood;
    return {m, efficiencyOf(m)};
}

} // namespace xiongguan::simulate
