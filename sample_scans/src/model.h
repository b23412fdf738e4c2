// The phantom's anatomy, motion and contraction profile for a set of parameters: the same random
// draws in the same order as the seed dictates, for simulate() and for true_positions().
#pragma once

#include <random>

#include "anatomy.h"
#include "motion.h"

namespace dynamus::phantom {

class Model {
 public:
  explicit Model(const PhantomParams& params)
      : rng_(params.seed),
        anatomy_(params, rng_),
        deformation_(anatomy_, params, rng_),
        contraction_(params.frames, params.fps, params.cycles) {}
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  std::mt19937_64& rng() { return rng_; }
  const Anatomy& anatomy() const { return anatomy_; }
  const Deformation& deformation() const { return deformation_; }
  const Contraction& contraction() const { return contraction_; }

 private:
  std::mt19937_64 rng_;
  Anatomy anatomy_;
  Deformation deformation_;  // refers to anatomy_
  Contraction contraction_;
};

}  // namespace dynamus::phantom
