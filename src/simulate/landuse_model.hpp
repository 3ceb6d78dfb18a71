#pragma once

#include "simulate/landuse_ca.hpp"
#include "simulate/landuse_constraints.hpp"
#include "simulate/landuse_drivers.hpp"
#include "io/study.hpp"
#include "simulate/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Brings `study` onto a grid of `cell_size_m` metres with the same origin (extent rounded up to
/// whole cells): land-use maps and rasters whose resampling is `refuse` get mode (land use),
/// average (population) or bilinear (others); vectors are rasterized on the new grid anyway.
/// \throws ConfigError if `cell_size_m` is not positive.
void regridStudy(io::StudyArea& study, double cell_size_m);

/// Mode of each factor×factor block of `fine` onto a cols×rows grid with the same origin (0 =
/// nodata, ignored; a block of nodata only stays 0; ties go to the value met first in row-major
/// order inside the block; edge blocks use the cells that exist).
raster::ClassGrid modeAggregate(const raster::ClassGrid& fine, int factor, int cols, int rows);

/// Nearest-neighbour expansion of a coarse map back onto the fine grid it was aggregated from:
/// fine cell (x, y) takes coarse cell (x / factor, y / factor); fine cells that are 0 (nodata) in
/// `mask` stay 0. Output has the size of `mask`.
raster::ClassGrid blockExpand(const raster::ClassGrid& coarse, int factor, const raster::ClassGrid& mask);

/// `models.landuse_ca`: land-use change in yearly steps, PLUS style (see docs/LANDUSE.md).
class LanduseCaModel : public Model {
  public:
    static constexpr const char* kName = "models.landuse_ca";
    static constexpr const char* kDescription =
        "Land-use change (PLUS-style CA): drivers, RF/logistic suitability, Markov/trend/plan demand, control lines, hindcast";

    /// Parameters with their defaults (docs/LANDUSE.md has the table).
    struct Params {
        std::optional<std::uint64_t> seed;       ///< default: the run's seed
        std::string demand = "markov";           ///< markov | trend | plan_targets
        std::map<int, std::map<std::string, double>> targets_ha; ///< plan_targets: year -> code -> ha
        std::string suitability = "random_forest"; ///< random_forest | logistic
        int trees = 30;
        int max_depth = 10;
        int min_leaf = 4;
        int samples_per_class = 3000;            ///< positives (and as many negatives) per class
        double holdout_share = 0.3;              ///< share of samples held out for the ROC AUC
        double l2 = 0.01;
        std::map<std::string, double> neighbourhood_weights; ///< code -> w (default from expansion)
        std::string conversion = "observed";     ///< observed | all
        std::vector<std::tuple<std::string, std::string, double>> conversion_overrides; ///< from, to, weight
        ConstraintOptions constraints;
        double demand_tolerance = 0.05;          ///< share of a year's asked gain that may stay unplaced
        double demand_tolerance_ha = 1.0;        ///< ... and hectares: fail only when both are exceeded
        bool validate = false;
        std::vector<UserDriver> drivers;
        std::vector<std::string> exclude_drivers;
        bool write_patches = true;
        /// Cell size of the model's own grid in m (same origin as the study grid, land use resampled
        /// by mode); 0 = the study grid. Maps on another grid stay in the model's outputs and metrics
        /// and are not handed to later models (RunState::landuse keeps study-grid maps only).
        double cell_size_m = 0.0;
        CaOptions ca;
    };

    std::string name() const override { return kName; }
    void configure(const YAML::Node& params, const std::string& file) override;
    nlohmann::ordered_json parameters() const override;
    void run(RunState& state) override;

    const Params& params() const { return m_p; }
    Params& params() { return m_p; }

  private:
    Params m_p;
};

} // namespace xiongguan::simulate
