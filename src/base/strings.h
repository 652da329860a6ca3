// UTF-8 and string helpers shared by every module.
//
// Thread safety: all functions are pure and safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rally {

// Removes leading and trailing ASCII white space and Unicode spaces (NBSP, ideographic space).
std::string_view Trim(std::string_view s);

// Trims and collapses every run of inner white space into one ASCII space.
std::string CollapseSpaces(std::string_view s);

// ASCII-only lower case (bytes >= 0x80 are left alone).
std::string AsciiLower(std::string_view s);

// Unicode full case folding (ICU) of valid UTF-8; used for case-insensitive matching of tags,
// names and emails. Invalid UTF-8 falls back to AsciiLower.
std::string CaseFold(std::string_view s);

// Case-folds and strips accents (NFD, drop combining marks): "José" -> "jose". For search keys.
std::string SearchKey(std::string_view s);

bool IsValidUtf8(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a UTF-8
// character, for quoting input in messages (which go out as JSON). `s` itself when it fits.
std::string_view TruncateUtf8(std::string_view s, size_t max_bytes);

// `s` with each byte that does not belong to a valid UTF-8 sequence replaced by U+FFFD, so
// that it can go into JSON. Valid UTF-8 comes back unchanged.
std::string ToValidUtf8(std::string_view s);

// Splits on `sep`; empty pieces are kept.
std::vector<std::string_view> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace rally
