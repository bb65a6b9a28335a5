#include "engine/accumulator.hpp"

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
      first_(layout.threshold_series().size() * (layout.horizon() + 2), 0) {}

void Accumulator::add_path(std::span<const double> values, SketchSet* external) { add_paths(values, 1, external); }

void Accumulator::add_paths(std::span<const double> values, std::size_t paths, SketchSet* external) {
  const std::size_t cells = layout_->cell_count();
  SketchSet& sketches = external != nullptr ? *external : sketches_;
  if (sketches.size() != cells) throw std::invalid_argument("Accumulator::add_paths: no sketch set for the cells");
  if (values.size() < paths * cells) throw std::invalid_argument("Accumulator::add_paths: too few values");
  std::vector<double>& column = column_;
  column.resize(paths);
  for (std::size_t c = 0; c < cells; ++c) {
    for (std::size_t p = 0; p < paths; ++p) column[p] = values[p * cells + c];
    moments_[c].add_batch(column);
    sketches[c].add_batch(column);
  }
  for (std::size_t p = 0; p < paths; ++p) count_thresholds(values.subspan(p * cells, cells));
  paths_ += paths;
}

void Accumulator::count_thresholds(std::span<const double> values) {
  const std::size_t horizon = layout_->horizon();
  const auto& thresholds = layout_->threshold_series();
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    const ThresholdSeries& ts = thresholds[i];
    bool reached = ts.reached_at_base;
    std::size_t first = reached ? 0 : horizon + 1;
    for (std::size_t t = 1; t <= horizon; ++t) {
      if (values[layout_->cell(ts.series, t)] >= ts.value) {
        ++above_[i * horizon + t - 1];
        if (!reached) {
          reached = true;
          first = t;
        }
      }
      if (reached) ++reached_by_[i * horizon + t - 1];
    }
    ++first_[i * (horizon + 2) + first];
  }
}

void Accumulator::merge(const Accumulator& other) {
  if (other.layout_ != layout_) throw std::invalid_argument("Accumulator::merge: different layouts");
  for (std::size_t c = 0; c < moments_.size(); ++c) moments_[c].merge(other.moments_[c]);
  if (!other.sketches_.empty()) merge_sketches(other.sketches_);
  for (std::size_t i = 0; i < above_.size(); ++i) above_[i] += other.above_[i];
  for (std::size_t i = 0; i < reached_by_.size(); ++i) reached_by_[i] += other.reached_by_[i];
  for (std::size_t i = 0; i < first_.size(); ++i) first_[i] += other.first_[i];
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

std::size_t Accumulator::memory_bytes() const noexcept {
  std::size_t bytes = sizeof(*this) + moments_.capacity() * sizeof(RunningMoments);
  for (const auto& s : sketches_) bytes += s.memory_bytes();
  bytes += (above_.capacity() + reached_by_.capacity() + first_.capacity()) * sizeof(std::uint64_t);
  return bytes;
}

}  // namespace districtcast
