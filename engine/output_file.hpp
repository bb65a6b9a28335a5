#pragma once
/// \file A buffered output file that throws on any write failure (used by every result writer).

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

namespace districtcast {

/// A file that throws std::runtime_error naming the file on any write failure; must be closed explicitly
/// (close() reports errors that only show when the data reaches the disk, e.g. a full disk).
class OutputFile {
public:
  /// Creates (truncates) `path`; throws if it cannot.
  explicit OutputFile(std::filesystem::path path) : path_(std::move(path)), out_(path_, std::ios::binary) {
    if (!out_) throw std::runtime_error(fmt::format("cannot create {}", path_.string()));
  }
  /// Appends formatted text.
  template <typename... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) {
    buffer_.clear();
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  }
  /// Flushes and closes; throws if anything failed since construction.
  void close() {
    out_.flush();
    out_.close();
    if (!out_) throw std::runtime_error(fmt::format("error writing {} (disk full?)", path_.string()));
  }

private:
  std::filesystem::path path_;
  std::ofstream out_;
  std::string buffer_;
};

}  // namespace districtcast
