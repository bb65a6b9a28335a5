#include "engine/accumulator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace districtcast {

SketchSet make_sketch_set(const ResultLayout& layout, SketchAccuracy accuracy) {
  return SketchSet(layout.cell_count(), QuantileSketch(accuracy));
}

Accumulator::Accumulator(const ResultLayout& layout, SketchAccuracy accuracy, Sketches sketches)
    : layout_(&layout),
      moments_(layout.cell_count()),
      sketches_(sketches == Sketches::owned ? make_sketch_set(layout, accuracy) : SketchSet{}),
      above_(layout.threshold_series().size() * layout.horizon(), 0),
      reached_by_(layout.threshold_series().size() * layout.horizon(), 0),
      first_(layout.threshold_series().size() * (layout.horizon() + 2), 0),
      ahead_(layout.overtaking_series().size() * layout.horizon(), 0),
      ahead_by_(layout.overtaking_series().size() * layout.horizon(), 0),
      club_scratch_(layout.horizon(), 0) {
  std::size_t size = 0;
  for (const ClubSeries& club : layout.clubs()) {
    club_offset_.push_back(size);
    size += layout.horizon() * (club.count + 1);
  }
  club_.assign(size, 0);
  if (layout.antithetic()) {
    pair_moments_.resize(layout.cell_count());
    above_both_.assign(above_.size(), 0);
    ahead_both_.assign(ahead_.size(), 0);
    ahead_by_both_.assign(ahead_by_.size(), 0);
    club_both_.assign(club_.size(), 0);
  }
}

void Accumulator::add_path(std::span<const double> values, SketchSet* external) { add_paths(values, 1, external); }

void Accumulator::add_paths(std::span<const double> values, std::size_t paths, SketchSet* external) {
  if (paths == 0) return;
  const std::size_t cells = layout_->cell_count();
  SketchSet& sketches = external != nullptr ? *external : sketches_;
  if (sketches.size() != cells) throw std::invalid_argument("Accumulator::add_paths: no sketch set for the cells");
  if (values.size() < paths * cells) throw std::invalid_argument("Accumulator::add_paths: too few values");
  columns_.resize(cells * paths);
  for (std::size_t c = 0; c < cells; ++c) {
    const std::span<double> column(columns_.data() + c * paths, paths);
    for (std::size_t p = 0; p < paths; ++p) column[p] = values[p * cells + c];
    moments_[c].add_batch(column);
    sketches[c].add_batch(column);
  }
  if (layout_->antithetic() && paths % 2 != 0) {
    throw std::invalid_argument("Accumulator::add_paths: antithetic paths come in pairs (odd batch)");
  }
  for (std::size_t p = 0; p < paths; ++p) count_thresholds(values.subspan(p * cells, cells), p, paths);
  count_overtaking(paths);
  if (layout_->antithetic()) count_pairs(paths);
  paths_ += paths;
}

void Accumulator::count_thresholds(std::span<const double> values, std::size_t p, std::size_t paths) {
  const std::size_t horizon = layout_->horizon();
  const auto& thresholds = layout_->threshold_series();
  const auto& clubs = layout_->clubs();
  if (layout_->antithetic()) batch_club_sizes_.resize(clubs.size() * horizon * paths);
  for (std::size_t c = 0; c < clubs.size(); ++c) {
    std::fill(club_scratch_.begin(), club_scratch_.end(), 0);
    for (std::size_t i = clubs[c].first; i < clubs[c].first + clubs[c].count; ++i) {
      const ThresholdSeries& ts = thresholds[i];
      bool reached = ts.reached_at_base;
      std::size_t first = reached ? 0 : horizon + 1;
      for (std::size_t t = 1; t <= horizon; ++t) {
        if (values[layout_->cell(ts.series, t)] >= ts.value) {
          ++above_[i * horizon + t - 1];
          ++club_scratch_[t - 1];
          if (!reached) {
            reached = true;
            first = t;
          }
        }
        if (reached) ++reached_by_[i * horizon + t - 1];
      }
      ++first_[i * (horizon + 2) + first];
    }
    for (std::size_t t = 1; t <= horizon; ++t) {
      ++club_[club_offset_[c] + (t - 1) * (clubs[c].count + 1) + club_scratch_[t - 1]];
      if (layout_->antithetic()) {
        batch_club_sizes_[(c * horizon + t - 1) * paths + p] = static_cast<std::uint32_t>(club_scratch_[t - 1]);
      }
    }
  }
}

void Accumulator::count_overtaking(std::size_t paths) {
  const std::size_t horizon = layout_->horizon();
  const auto& pairs = layout_->overtaking_series();
  ever_ahead_.resize(paths);
  now_ahead_.resize(paths);
  double* const ever_ahead = ever_ahead_.data();  // local pointers: no reload per value
  double* const now_ahead = now_ahead_.data();
  const bool pairs_wanted = layout_->antithetic();
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    std::fill(ever_ahead_.begin(), ever_ahead_.end(), pairs[p].ahead_at_base ? 1.0 : 0.0);
    for (std::size_t t = 1; t <= horizon; ++t) {
      const double* a = columns_.data() + layout_->cell(pairs[p].district_series, t) * paths;
      const double* b = columns_.data() + layout_->cell(pairs[p].other_series, t) * paths;
      // 0/1 flags and their sums as doubles (exact: at most one batch of paths), so the loop vectorises.
      double ahead = 0.0;
      double ever = 0.0;
      for (std::size_t k = 0; k < paths; ++k) {
        const double now = a[k] > b[k] ? 1.0 : 0.0;
        const double seen = ever_ahead[k] > now ? ever_ahead[k] : now;
        ever_ahead[k] = seen;
        now_ahead[k] = now;
        ahead += now;
        ever += seen;
      }
      if (pairs_wanted) {
        double both_now = 0.0;
        double both_ever = 0.0;
        for (std::size_t k = 0; k + 1 < paths; k += 2) {
          both_now += now_ahead[k] * now_ahead[k + 1];
          both_ever += ever_ahead[k] * ever_ahead[k + 1];
        }
        ahead_both_[p * horizon + t - 1] += static_cast<std::uint64_t>(both_now);
        ahead_by_both_[p * horizon + t - 1] += static_cast<std::uint64_t>(both_ever);
      }
      ahead_[p * horizon + t - 1] += static_cast<std::uint64_t>(ahead);
      ahead_by_[p * horizon + t - 1] += static_cast<std::uint64_t>(ever);
    }
  }
}

void Accumulator::count_pairs(std::size_t paths) {
  const std::size_t horizon = layout_->horizon();
  const std::size_t pairs = paths / 2;
  pair_means_.resize(pairs);
  for (std::size_t c = 0; c < moments_.size(); ++c) {
    const double* x = columns_.data() + c * paths;
    for (std::size_t j = 0; j < pairs; ++j) pair_means_[j] = 0.5 * (x[2 * j] + x[2 * j + 1]);
    pair_moments_[c].add_batch(pair_means_);
  }
  const auto& thresholds = layout_->threshold_series();
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    for (std::size_t t = 1; t <= horizon; ++t) {
      const double* x = columns_.data() + layout_->cell(thresholds[i].series, t) * paths;
      const double v = thresholds[i].value;
      std::uint64_t both = 0;
      for (std::size_t j = 0; j < pairs; ++j) both += (x[2 * j] >= v && x[2 * j + 1] >= v) ? 1 : 0;
      above_both_[i * horizon + t - 1] += both;
    }
  }
  const auto& clubs = layout_->clubs();
  for (std::size_t c = 0; c < clubs.size(); ++c) {
    for (std::size_t t = 1; t <= horizon; ++t) {
      const std::uint32_t* size = batch_club_sizes_.data() + (c * horizon + t - 1) * paths;
      for (std::size_t j = 0; j < pairs; ++j) {
        if (size[2 * j] == size[2 * j + 1]) ++club_both_[club_offset_[c] + (t - 1) * (clubs[c].count + 1) + size[2 * j]];
      }
    }
  }
}

double Accumulator::proportion_standard_error(std::uint64_t count, std::uint64_t both) const {
  if (paths_ == 0) return 0.0;
  const double n = static_cast<double>(paths_);
  const double p = static_cast<double>(count) / n;
  if (!layout_->antithetic()) return std::sqrt(p * (1.0 - p) / n);
  // Pair mean m = (I_1 + I_2) / 2 is 1 for `both` pairs, 1/2 for count - 2 both pairs, else 0.
  const double pairs = n / 2.0;
  const double second_moment = (static_cast<double>(both) + 0.25 * static_cast<double>(count - 2 * both)) / pairs;
  return std::sqrt(std::max(0.0, second_moment - p * p) / pairs);
}

double Accumulator::mean_standard_error(std::size_t cell) const {
  return layout_->antithetic() ? pair_moments_.at(cell).standard_error() : moments_.at(cell).standard_error();
}

double Accumulator::above_standard_error(std::size_t threshold_series, std::size_t year) const {
  const std::size_t i = threshold_series * layout_->horizon() + year - 1;
  return proportion_standard_error(above_.at(i), layout_->antithetic() ? above_both_.at(i) : 0);
}

double Accumulator::ahead_standard_error(std::size_t pair, std::size_t year) const {
  const std::size_t i = pair * layout_->horizon() + year - 1;
  return proportion_standard_error(ahead_.at(i), layout_->antithetic() ? ahead_both_.at(i) : 0);
}

double Accumulator::ahead_by_standard_error(std::size_t pair, std::size_t year) const {
  const std::size_t i = pair * layout_->horizon() + year - 1;
  return proportion_standard_error(ahead_by_.at(i), layout_->antithetic() ? ahead_by_both_.at(i) : 0);
}

double Accumulator::club_size_standard_error(std::size_t club, std::size_t year, std::size_t k) const {
  const std::size_t members = layout_->clubs().at(club).count;
  if (k > members) throw std::out_of_range("Accumulator::club_size_standard_error: k exceeds the club");
  const std::size_t i = club_offset_.at(club) + (year - 1) * (members + 1) + k;
  return proportion_standard_error(club_.at(i), layout_->antithetic() ? club_both_.at(i) : 0);
}

void Accumulator::merge(const Accumulator& other) {
  if (other.layout_ != layout_) throw std::invalid_argument("Accumulator::merge: different layouts");
  for (std::size_t c = 0; c < moments_.size(); ++c) moments_[c].merge(other.moments_[c]);
  if (!other.sketches_.empty()) merge_sketches(other.sketches_);
  for (std::size_t i = 0; i < above_.size(); ++i) above_[i] += other.above_[i];
  for (std::size_t i = 0; i < reached_by_.size(); ++i) reached_by_[i] += other.reached_by_[i];
  for (std::size_t i = 0; i < first_.size(); ++i) first_[i] += other.first_[i];
  for (std::size_t i = 0; i < ahead_.size(); ++i) ahead_[i] += other.ahead_[i];
  for (std::size_t i = 0; i < ahead_by_.size(); ++i) ahead_by_[i] += other.ahead_by_[i];
  for (std::size_t i = 0; i < club_.size(); ++i) club_[i] += other.club_[i];
  for (std::size_t c = 0; c < pair_moments_.size(); ++c) pair_moments_[c].merge(other.pair_moments_[c]);
  for (std::size_t i = 0; i < above_both_.size(); ++i) above_both_[i] += other.above_both_[i];
  for (std::size_t i = 0; i < ahead_both_.size(); ++i) ahead_both_[i] += other.ahead_both_[i];
  for (std::size_t i = 0; i < ahead_by_both_.size(); ++i) ahead_by_both_[i] += other.ahead_by_both_[i];
  for (std::size_t i = 0; i < club_both_.size(); ++i) club_both_[i] += other.club_both_[i];
  faults_.merge(other.faults_);
  paths_ += other.paths_;
}

void Accumulator::merge_sketches(const SketchSet& set) {
  if (set.size() != sketches_.size()) throw std::invalid_argument("Accumulator::merge_sketches: wrong set size");
  for (std::size_t c = 0; c < set.size(); ++c) sketches_[c].merge(set[c]);
}

std::uint64_t Accumulator::above(std::size_t threshold_series, std::size_t year) const {
  return above_.at(threshold_series * layout_->horizon() + year - 1);
}
std::uint64_t Accumulator::reached_by(std::size_t threshold_series, std::size_t year) const {
  return reached_by_.at(threshold_series * layout_->horizon() + year - 1);
}
std::uint64_t Accumulator::first_crossing(std::size_t threshold_series, std::size_t k) const {
  return first_.at(threshold_series * (layout_->horizon() + 2) + k);
}

std::uint64_t Accumulator::ahead(std::size_t pair, std::size_t year) const {
  return ahead_.at(pair * layout_->horizon() + year - 1);
}
std::uint64_t Accumulator::ahead_by(std::size_t pair, std::size_t year) const {
  return ahead_by_.at(pair * layout_->horizon() + year - 1);
}
std::uint64_t Accumulator::club_size(std::size_t club, std::size_t year, std::size_t k) const {
  const std::size_t members = layout_->clubs().at(club).count;
  if (k > members) throw std::out_of_range("Accumulator::club_size: k exceeds the club");
  return club_.at(club_offset_.at(club) + (year - 1) * (members + 1) + k);
}

std::size_t Accumulator::memory_bytes() const noexcept {
  std::size_t bytes = sizeof(*this) + moments_.capacity() * sizeof(RunningMoments);
  for (const auto& s : sketches_) bytes += s.memory_bytes();
  bytes += (above_.capacity() + reached_by_.capacity() + first_.capacity() + ahead_.capacity() +
            ahead_by_.capacity() + club_.capacity() + above_both_.capacity() + ahead_both_.capacity() +
            ahead_by_both_.capacity() + club_both_.capacity()) * sizeof(std::uint64_t);
  bytes += pair_moments_.capacity() * sizeof(RunningMoments);
  return bytes;
}

}  // namespace districtcast
