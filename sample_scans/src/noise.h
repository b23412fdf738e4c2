// Smooth, seeded 1-D value noise and hashing: the randomness of the anatomy, reproducible for a
// seed and cheap to evaluate per scatterer.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

namespace dynamus::phantom {

// A well-mixed 64-bit value from an integer key: splitmix64.
inline std::uint64_t hash64(std::uint64_t key) {
  key += 0x9e3779b97f4a7c15ULL;
  key = (key ^ (key >> 30)) * 0xbf58476d1ce4e5b9ULL;
  key = (key ^ (key >> 27)) * 0x94d049bb133111ebULL;
  return key ^ (key >> 31);
}

// Uniform in [0, 1) from an integer key.
inline double hash01(std::uint64_t key) {
  return double(hash64(key) >> 11) * (1.0 / 9007199254740992.0);
}

// Values in [-1, 1] at integer knots, cosine-interpolated: a smooth random function of t.
class ValueNoise {
 public:
  explicit ValueNoise(std::uint64_t seed) : seed_(seed) {}
  double operator()(double t) const {
    const double knot = std::floor(t);
    const double f = t - knot;
    const double w = 0.5 - 0.5 * std::cos(f * 3.14159265358979323846);
    const auto k = static_cast<std::int64_t>(knot);
    return (1 - w) * value(k) + w * value(k + 1);
  }

 private:
  double value(std::int64_t knot) const {
    return 2.0 * hash01(seed_ * 0x100000001b3ULL + std::uint64_t(knot)) - 1.0;
  }
  std::uint64_t seed_;
};

inline double uniform(std::mt19937_64& rng, double low, double high) {
  return std::uniform_real_distribution<double>(low, high)(rng);
}

inline double smoothstep(double edge0, double edge1, double x) {
  const double t = std::clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

inline double db_to_amplitude(double db) { return std::pow(10.0, db / 20.0); }

}  // namespace dynamus::phantom
