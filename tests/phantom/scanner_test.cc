// The imaging model against speckle theory: fully developed speckle has a Rayleigh envelope
// (mean / standard deviation = 1.91), and its intensity autocovariance is the squared PSF
// autocorrelation: for the Gaussian envelope of standard deviation s, a Gaussian of standard
// deviation s, i.e. FWHM 2.355 s, axially and laterally.
#include "dynamus/phantom/scanner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <random>

namespace dynamus::phantom {
namespace {

ScannerParams homogeneous_params() {
  ScannerParams params;
  params.frequency_mhz = 10.0;
  params.spacing_mm = 0.1;
  params.width_px = 200;
  params.height_px = 200;
  params.attenuation_db_per_cm_mhz = 0.0;  // homogeneous: no depth dependence
  return params;
}

std::vector<Scatterer> homogeneous_medium(const Scanner& scanner, const ScannerParams& params,
                                          std::uint64_t seed) {
  const double width_mm = params.width_px * params.spacing_mm;
  const double height_mm = params.height_px * params.spacing_mm;
  const double density = scanner.scatterer_density_per_mm2();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> ux(-1.0f, float(width_mm) + 1.0f);
  std::uniform_real_distribution<float> uy(-1.0f, float(height_mm) + 1.0f);
  std::vector<Scatterer> scatterers(std::size_t(density * (width_mm + 2) * (height_mm + 2)));
  for (Scatterer& s : scatterers) {
    const float x = ux(rng), y = uy(rng);
    s = {x, y, scatterer_amplitude(1.0, rng())};
  }
  return scatterers;
}

TEST(Scanner, FullyDevelopedSpeckleHasRayleighEnvelopeSnr) {
  const ScannerParams params = homogeneous_params();
  const Scanner scanner(params);
  double sum_snr = 0.0;
  constexpr int kRealisations = 4;
  for (int seed = 1; seed <= kRealisations; ++seed) {
    const cv::Mat envelope = scanner.envelope(homogeneous_medium(scanner, params, seed), 0);
    cv::Scalar mean, stddev;
    cv::meanStdDev(envelope, mean, stddev);
    sum_snr += mean[0] / stddev[0];
  }
  const double snr = sum_snr / kRealisations;
  std::cout << "envelope SNR " << snr << '\n';
  EXPECT_NEAR(snr, 1.91, 0.15) << "envelope mean / std";
}

// Half-maximum width of the normalised autocovariance of `intensity` along one axis, in cells.
double autocovariance_fwhm_cells(const cv::Mat& intensity, bool axial) {
  cv::Scalar mean = cv::mean(intensity);
  cv::Mat centred = intensity - mean[0];
  const double variance = centred.dot(centred);
  double previous = 1.0;
  for (int lag = 1; lag < 50; ++lag) {
    const cv::Rect a = axial ? cv::Rect(0, 0, centred.cols, centred.rows - lag)
                             : cv::Rect(0, 0, centred.cols - lag, centred.rows);
    const cv::Rect b = axial ? cv::Rect(0, lag, centred.cols, centred.rows - lag)
                             : cv::Rect(lag, 0, centred.cols - lag, centred.rows);
    const double value =
        centred(a).dot(centred(b)) / variance * double(centred.total()) / double(a.area());
    if (value < 0.5) return 2.0 * (lag - 1 + (previous - 0.5) / (previous - value));
    previous = value;
  }
  return NAN;
}

TEST(Scanner, SpeckleSizeMatchesThePsf) {
  const ScannerParams params = homogeneous_params();
  const Scanner scanner(params);
  const cv::Mat envelope = scanner.envelope(homogeneous_medium(scanner, params, 7), 0);
  const cv::Mat intensity = envelope.mul(envelope);
  const double axial_fwhm_mm = autocovariance_fwhm_cells(intensity, true) * scanner.grid_axial_mm();
  const double lateral_fwhm_mm =
      autocovariance_fwhm_cells(intensity, false) * scanner.grid_lateral_mm();
  const double expected_axial_mm = 2.3548 * scanner.axial_sigma_mm();
  const double expected_lateral_mm = 2.3548 * scanner.lateral_sigma_mm();
  std::cout << "speckle FWHM axial " << axial_fwhm_mm << " mm (PSF " << expected_axial_mm
            << "), lateral " << lateral_fwhm_mm << " mm (PSF " << expected_lateral_mm << ")\n";
  EXPECT_NEAR(axial_fwhm_mm / expected_axial_mm, 1.0, 0.15)
      << axial_fwhm_mm << " mm vs " << expected_axial_mm;
  EXPECT_NEAR(lateral_fwhm_mm / expected_lateral_mm, 1.0, 0.15)
      << lateral_fwhm_mm << " mm vs " << expected_lateral_mm;
}

TEST(Scanner, PsfScalesWithFrequency) {
  ScannerParams low = homogeneous_params(), high = homogeneous_params();
  low.frequency_mhz = 7.5;
  high.frequency_mhz = 15.0;
  EXPECT_NEAR(Scanner(low).axial_sigma_mm() / Scanner(high).axial_sigma_mm(), 2.0, 1e-9);
  // 10 MHz, c = 1540 m/s: wavelength 0.154 mm; axial FWHM one wavelength, lateral 2.5.
  const Scanner ten(homogeneous_params());
  EXPECT_NEAR(2.3548 * ten.axial_sigma_mm(), 0.154, 1e-3);
  EXPECT_NEAR(2.3548 * ten.lateral_sigma_mm(), 0.385, 1e-3);
}

}  // namespace
}  // namespace dynamus::phantom
