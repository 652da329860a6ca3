// Text encodings of imported CSV files: detection from a sample of the start, and a streaming
// decoder to UTF-8. The rule (docs/decisions/0007-import-readers.md):
//   1. A BOM decides: EF BB BF utf-8, FF FE utf-16le, FE FF utf-16be.
//   2. Without one, a sample whose even or odd bytes are mostly NUL is utf-16 (le/be).
//   3. Else utf-8 when the sample is valid UTF-8 (a sequence cut by the sample's end is fine),
//      windows-1252 otherwise.
//   4. Decoding utf-8, a byte that does not belong to a valid UTF-8 sequence is read as
//      windows-1252 (so a file that is ASCII for the whole sample and has a Windows "é" on row
//      90,000 still reads right); the decoder counts such bytes. Output is always valid UTF-8.
//
// Thread safety: a TextDecoder is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "importexport/row_reader.h"

namespace rally::importexport {

struct EncodingGuess {
  TextEncoding encoding = TextEncoding::kUtf8;
  size_t bom_bytes = 0;  // bytes of the BOM at the start of the sample, to skip
};

// `sample` is the start of the file; `complete` says it is the whole file (so a cut UTF-8
// sequence at its end is an invalid one).
EncodingGuess DetectEncoding(std::string_view sample, bool complete);

// The length of the BOM of `e` that `head` starts with (0 when none).
size_t BomLength(TextEncoding e, std::string_view head);

class TextDecoder {
 public:
  explicit TextDecoder(TextEncoding encoding) : encoding_(encoding) {}

  // Appends the UTF-8 form of `bytes` to `out`. A sequence cut by the end of `bytes` is kept
  // for the next call; with `last`, it is decoded as it stands (invalid bytes as above; an
  // odd UTF-16 byte or lone surrogate as U+FFFD).
  void Decode(std::string_view bytes, bool last, std::string* out);

  TextEncoding encoding() const { return encoding_; }
  // utf-8: bytes read as windows-1252 because they were not valid UTF-8.
  uint64_t fallback_bytes() const { return fallback_bytes_; }

 private:
  void DecodeUtf8(std::string_view bytes, bool last, std::string* out);
  void DecodeUtf16(std::string_view bytes, bool last, std::string* out);
  void DecodeWindows1252(std::string_view bytes, std::string* out);

  TextEncoding encoding_;
  std::string carry_;  // bytes of a sequence cut by the previous chunk's end
  uint32_t high_surrogate_ = 0;
  uint64_t fallback_bytes_ = 0;
};

// Appends the UTF-8 encoding of code point `cp` (REQUIRES: a scalar value, <= 0x10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);

}  // namespace rally::importexport
