#pragma once
/// \file SHA-256 digests (OpenSSL), as lower-case hex.

#include <filesystem>
#include <string>
#include <string_view>

namespace districtcast {

/// Hex SHA-256 of `data`.
[[nodiscard]] std::string sha256_hex(std::string_view data);
/// Hex SHA-256 of a file's bytes; throws std::runtime_error if it cannot be read.
[[nodiscard]] std::string sha256_file_hex(const std::filesystem::path& file);

}  // namespace districtcast
