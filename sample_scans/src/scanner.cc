#include "dynamus/phantom/scanner.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace dynamus::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kFwhmPerSigma = 2.3548200450309493;  // 2 sqrt(2 ln 2)
// Pulse length: two carrier cycles at half maximum, i.e. one wavelength of depth round trip.
constexpr double kAxialFwhmWavelengths = 1.0;
// Lateral beam width at the focus of a typical linear array (F-number around 2).
constexpr double kLateralFwhmWavelengths = 2.5;
// The grid samples the PSF envelope at least this many times per standard deviation.
constexpr double kGridPerSigma = 2.0;
constexpr double kKernelRadiusSigmas = 3.0;
constexpr double kMmPerCm = 10.0;

cv::Mat gaussian_kernel(double sigma_cells) {
  const int radius = int(std::ceil(kKernelRadiusSigmas * sigma_cells));
  return cv::getGaussianKernel(2 * radius + 1, sigma_cells, CV_32F);
}

// Round-trip gain in dB at depth y for the given one-way attenuation.
double round_trip_db(double attenuation_db_per_cm_mhz, double frequency_mhz, double y_mm) {
  return attenuation_db_per_cm_mhz * frequency_mhz * 2.0 * (y_mm / kMmPerCm);
}

}  // namespace

Scanner::Scanner(const ScannerParams& params) : params_(params) {
  const double wavelength_mm = params.sound_speed_mm_per_us / params.frequency_mhz;
  axial_sigma_mm_ = kAxialFwhmWavelengths * wavelength_mm / kFwhmPerSigma;
  lateral_sigma_mm_ = kLateralFwhmWavelengths * wavelength_mm / kFwhmPerSigma;
  wavenumber_per_mm_ = 4.0 * kPi / wavelength_mm;
  grid_per_pixel_axial_ =
      std::max(1, int(std::ceil(params.spacing_mm * kGridPerSigma / axial_sigma_mm_)));
  grid_per_pixel_lateral_ =
      std::max(1, int(std::ceil(params.spacing_mm * kGridPerSigma / lateral_sigma_mm_)));
  grid_axial_mm_ = params.spacing_mm / grid_per_pixel_axial_;
  grid_lateral_mm_ = params.spacing_mm / grid_per_pixel_lateral_;
  // Both the echoes and the noise go through the same PSF blur, so comparing the power each puts
  // into a grid cell suffices: scatterers per cell x amplitude^2 against two noise components.
  noise_amplitude_ =
      params.noise_db
          ? std::sqrt(scatterer_density_per_mm2() * grid_axial_mm_ * grid_lateral_mm_ / 2.0) *
                std::pow(10.0, *params.noise_db / 20.0)
          : 0.0;
  axial_kernel_ = gaussian_kernel(axial_sigma_mm_ / grid_axial_mm_);
  lateral_kernel_ = gaussian_kernel(lateral_sigma_mm_ / grid_lateral_mm_);
}

double Scanner::resolution_cell_mm2() const {
  return kFwhmPerSigma * axial_sigma_mm_ * kFwhmPerSigma * lateral_sigma_mm_;
}

double Scanner::scatterer_density_per_mm2() const {
  return params_.scatterers_per_cell / resolution_cell_mm2();
}

cv::Mat Scanner::envelope(std::span<const Scatterer> scatterers, std::uint64_t noise_seed) const {
  // The grid reaches past the image by the kernel radius, so that scatterers just outside it
  // still contribute and the image has no dark border.
  const int pad_rows = axial_kernel_.rows / 2;
  const int pad_cols = lateral_kernel_.rows / 2;
  const int rows = params_.height_px * grid_per_pixel_axial_ + 2 * pad_rows;
  const int cols = params_.width_px * grid_per_pixel_lateral_ + 2 * pad_cols;
  // Grid cell (r, c) is centred at depth origin_y + r * grid_axial (pixel centres at k * spacing).
  const double origin_y_mm =
      -params_.spacing_mm / 2 + grid_axial_mm_ / 2 - pad_rows * grid_axial_mm_;
  const double origin_x_mm =
      -params_.spacing_mm / 2 + grid_lateral_mm_ / 2 - pad_cols * grid_lateral_mm_;

  // Round-trip attenuation as an amplitude factor exp(-attenuation_per_mm * depth).
  const double attenuation_per_mm =
      round_trip_db(params_.attenuation_db_per_cm_mhz, params_.frequency_mhz, 1.0) / 20.0 *
      std::log(10.0);
  cv::Mat iq(rows, cols, CV_32FC2, cv::Scalar(0, 0));
  for (const Scatterer& s : scatterers) {
    const double gy = (s.y_mm - origin_y_mm) / grid_axial_mm_;
    const double gx = (s.x_mm - origin_x_mm) / grid_lateral_mm_;
    const int r0 = int(std::floor(gy));
    const int c0 = int(std::floor(gx));
    if (r0 < 0 || c0 < 0 || r0 + 1 >= rows || c0 + 1 >= cols) continue;
    const double fy = gy - r0, fx = gx - c0;
    const double attenuated = s.amplitude * std::exp(-attenuation_per_mm * s.y_mm);
    const double phase = wavenumber_per_mm_ * s.y_mm;
    const float re = float(attenuated * std::cos(phase));
    const float im = float(attenuated * std::sin(phase));
    const float w00 = float((1 - fy) * (1 - fx)), w01 = float((1 - fy) * fx);
    const float w10 = float(fy * (1 - fx)), w11 = float(fy * fx);
    cv::Vec2f* row0 = iq.ptr<cv::Vec2f>(r0);
    cv::Vec2f* row1 = iq.ptr<cv::Vec2f>(r0 + 1);
    row0[c0] += cv::Vec2f(w00 * re, w00 * im);
    row0[c0 + 1] += cv::Vec2f(w01 * re, w01 * im);
    row1[c0] += cv::Vec2f(w10 * re, w10 * im);
    row1[c0 + 1] += cv::Vec2f(w11 * re, w11 * im);
  }
  if (noise_amplitude_ > 0.0) {
    cv::Mat noise(rows, cols, CV_32FC2);
    cv::RNG rng(noise_seed);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, noise_amplitude_);
    iq += noise;
  }
  cv::sepFilter2D(iq, iq, CV_32F, lateral_kernel_, axial_kernel_, cv::Point(-1, -1), 0,
                  cv::BORDER_CONSTANT);
  cv::Mat channels[2];
  cv::split(iq(cv::Rect(pad_cols, pad_rows, cols - 2 * pad_cols, rows - 2 * pad_rows)), channels);
  cv::Mat magnitude;
  cv::magnitude(channels[0], channels[1], magnitude);
  return magnitude;
}

cv::Mat Scanner::pixel_envelope(std::span<const Scatterer> scatterers,
                                std::uint64_t noise_seed) const {
  cv::Mat grid = envelope(scatterers, noise_seed);
  // Time-gain compensation restores most of the round-trip loss; what remains darkens the depth a
  // little, as on a scanner.
  for (int r = 0; r < grid.rows; ++r) {
    const double y_mm = (r + 0.5) * grid_axial_mm_ - params_.spacing_mm / 2;
    const double gain_db =
        params_.tgc_compensation *
        round_trip_db(params_.attenuation_db_per_cm_mhz, params_.frequency_mhz, y_mm);
    grid.row(r) *= std::pow(10.0, gain_db / 20.0);
  }
  cv::Mat pixels;
  cv::resize(grid, pixels, cv::Size(params_.width_px, params_.height_px), 0, 0, cv::INTER_AREA);
  return pixels;
}

cv::Mat Scanner::log_compress(const cv::Mat& pixel_envelope, double reference_level) const {
  cv::Mat db;
  cv::log(cv::max(pixel_envelope, reference_level * 1e-6) / reference_level, db);
  db *= 20.0 / std::log(10.0);  // natural log to dB
  cv::Mat bmode;
  db.convertTo(bmode, CV_8U, 255.0 / params_.dynamic_range_db, 255.0);
  return bmode;
}

}  // namespace dynamus::phantom
