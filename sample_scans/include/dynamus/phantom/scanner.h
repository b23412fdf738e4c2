// A linear-array B-mode scanner as a convolution model (as in the COLE simulator): point
// scatterers convolved with a separable pulse-echo PSF, a Gaussian-enveloped cosine in depth
// (round-trip wavelength lambda/2) times a Gaussian laterally.
//
// The RF is formed as its complex analytic signal on a fine grid: each scatterer adds its
// amplitude with the carrier phase of its exact depth, exp(i 4 pi f z / c), bilinearly into the
// grid; a real Gaussian blur applies the PSF envelope; the magnitude is the RF's envelope. This is
// exactly envelope detection of the cosine-modulated RF, with the phase exact below the grid
// spacing, so speckle moves coherently with the scatterers.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <span>

namespace dynamus::phantom {

struct Scatterer {
  float x_mm;
  float y_mm;
  float amplitude;  // signed, in linear echo units
};

// A scatterer's amplitude for a tissue of echo amplitude `echo`: +echo or -echo with equal odds.
// Unit magnitude keeps the summed field closest to circular Gaussian for a given scatterer
// density, so the envelope is Rayleigh (SNR 1.91) at 12 scatterers per resolution cell; Gaussian
// amplitudes would need about twice as many for the same statistics.
inline float scatterer_amplitude(double echo, std::uint64_t random_bits) {
  return float((random_bits & 1) != 0 ? echo : -echo);
}

struct ScannerParams {
  double frequency_mhz = 10.0;
  double sound_speed_mm_per_us = 1.54;
  double spacing_mm = 0.1;  // output pixel
  int width_px = 640;
  int height_px = 480;
  double attenuation_db_per_cm_mhz = 0.3;  // effective, one way
  double tgc_compensation = 0.9;           // the share of the round-trip loss the TGC restores
  // Scatterers per resolution cell: 12 gives fully developed speckle (Rayleigh envelope).
  double scatterers_per_cell = 12.0;
  // Electronic noise power relative to tissue of unit echo amplitude, before TGC; off when 0.
  std::optional<double> noise_db;
  double dynamic_range_db = 55.0;
};

class Scanner {
 public:
  explicit Scanner(const ScannerParams& params);

  // The PSF envelope's standard deviations (amplitude) and the resolution cell it implies.
  double axial_sigma_mm() const { return axial_sigma_mm_; }
  double lateral_sigma_mm() const { return lateral_sigma_mm_; }
  // FWHM axial x FWHM lateral of the amplitude PSF.
  double resolution_cell_mm2() const;
  // Scatters per mm^2 for params.scatterers_per_cell.
  double scatterer_density_per_mm2() const;
  double grid_axial_mm() const { return grid_axial_mm_; }
  double grid_lateral_mm() const { return grid_lateral_mm_; }

  // Envelope on the fine grid (CV_32F, rows = depth), before TGC and log compression.
  // `noise_seed` draws the electronic noise.
  cv::Mat envelope(std::span<const Scatterer> scatterers, std::uint64_t noise_seed) const;
  // Envelope with TGC, averaged down to output pixels (CV_32F, height_px x width_px).
  cv::Mat pixel_envelope(std::span<const Scatterer> scatterers, std::uint64_t noise_seed) const;
  // 8-bit log compression of a pixel envelope: reference_level maps to 255, and
  // reference_level / 10^(dynamic_range/20) to 0.
  cv::Mat log_compress(const cv::Mat& pixel_envelope, double reference_level) const;

 private:
  ScannerParams params_;
  double axial_sigma_mm_;
  double lateral_sigma_mm_;
  double wavenumber_per_mm_;  // round trip: 4 pi f / c
  int grid_per_pixel_axial_;
  int grid_per_pixel_lateral_;
  double grid_axial_mm_;
  double grid_lateral_mm_;
  double noise_amplitude_;  // standard deviation of each I/Q component per grid cell
  cv::Mat axial_kernel_;
  cv::Mat lateral_kernel_;
};

}  // namespace dynamus::phantom
