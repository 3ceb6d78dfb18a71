#pragma once

#include "vector/geos.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::vector {

/// One feature of a layer, in the working CRS. The geometry is kept as WKB so that the layer is
/// immutable and can be shared by threads; each thread decodes it in its own GEOS context.
struct Feature {
    std::int64_t fid = -1;                        ///< id in the source file
    std::vector<std::uint8_t> wkb;                ///< geometry (empty for a null geometry)
    Envelope env;                                 ///< envelope of the geometry
    std::vector<std::optional<std::string>> values; ///< attribute values as text, by field index
};

/// A vector layer loaded into memory, reprojected into the working CRS.
struct VectorLayer {
    std::string role;                 ///< study role, e.g. "ecological_redline"
    std::string path;                 ///< source file
    std::vector<std::string> fields;  ///< field names, as in the source
    std::vector<Feature> features;
    std::string geometry_type;        ///< OGR geometry type name of the source layer
    std::vector<std::string> repairs; ///< one line per repaired geometry (invalid_geometry: repair)

    /// Index of a field (case-insensitive), or -1.
    int fieldIndex(const std::string& name) const;
    /// Index of a required field; throws InputError naming the layer and file when missing.
    int requireField(const std::string& name) const;
    /// Text value of a field for a feature, nullopt when null or missing.
    std::optional<std::string> value(size_t feature, int field) const;
    /// Numeric value; throws InputError naming the layer, fid, field and value when not a number.
    std::optional<double> number(size_t feature, int field) const;
};

/// A spatial index over feature envelopes, built once and then read-only (safe to query from many
/// threads). Items are feature indices.
class EnvelopeIndex {
  public:
    explicit EnvelopeIndex(const std::vector<Envelope>& envelopes);
    ~EnvelopeIndex();
    EnvelopeIndex(const EnvelopeIndex&) = delete;
    EnvelopeIndex& operator=(const EnvelopeIndex&) = delete;
    /// Indices of items whose envelope intersects `e`, sorted ascending (deterministic).
    std::vector<size_t> query(const Envelope& e) const;
    size_t size() const { return m_envelopes.size(); }

  private:
    std::vector<Envelope> m_envelopes;
    std::unique_ptr<Context> m_ctx; // owns the tree; queries pass the caller's context
    GEOSSTRtree* m_tree = nullptr;
};

} // namespace xiongguan::vector
