// Ground truth from the anatomy and the displacement field that moved the scatterers.
#pragma once

#include "anatomy.h"
#include "motion.h"

namespace dynamus::phantom {

Truth compute_truth(const PhantomParams& params, const Anatomy& anatomy,
                    const Deformation& deformation, const Contraction& contraction);

// The fluid region's outline in a frame (empty without one).
std::vector<PointMm> deformed_fluid_outline(const Anatomy& anatomy, const Deformation& deformation,
                                            double level, int frame);

}  // namespace dynamus::phantom
