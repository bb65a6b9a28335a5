#pragma once
/// \file A buffered output file that throws on any write failure (used by every result writer).

#include <fmt/format.h>

#include <filesystem>
#include <iterator>
#include <string>

namespace districtcast {

/// A file that throws std::runtime_error on any failure, naming the file and the system's reason
/// ("cannot write DIR/histograms.csv: No space left on device"); must be closed explicitly (close() reports
/// errors that only show when the last data is written, e.g. a full disk). Not copyable.
class OutputFile {
public:
  /// Creates (truncates) `path` with mode 0644; throws if it cannot ("cannot create FILE: Permission denied").
  explicit OutputFile(std::filesystem::path path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  /// Closes the file without reporting errors (an exception is already on its way, or close() was called).
  ~OutputFile();

  /// Appends formatted text (written in 64 KiB chunks; throws on the first failed write).
  template <typename... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    if (buffer_.size() >= kChunk) flush();
  }
  /// Writes what is buffered and closes; throws if anything failed.
  void close();

private:
  static constexpr std::size_t kChunk = std::size_t{64} * 1024;
  /// Writes the buffer out; throws with errno's text on failure.
  void flush();

  std::filesystem::path path_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace districtcast
