#include "importexport/text_decoder.h"

#include <algorithm>
#include <cstring>

namespace rally::importexport {
namespace {

// Windows-1252's 0x80..0x9F; the five bytes it leaves undefined map to the C1 control of the
// same value, as browsers (WHATWG) do, so every byte has a reading.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

uint32_t Cp1252(unsigned char b) {
  if (b >= 0x80 && b < 0xA0) return kCp1252High[b - 0x80];
  return b;
}

constexpr int kCut = -1;  // a valid start of a sequence, cut by the end of the input

// The length of the valid UTF-8 sequence at s[i] (1..4), 0 when the bytes there are not one,
// kCut when they are a valid prefix that the end of `s` cuts.
int SequenceAt(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t left = s.size() - i;
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  int n;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  for (int k = 1; k < n; ++k) {
    if (static_cast<size_t>(k) >= left) return kCut;
    unsigned char b = p[k];
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return 0;
  }
  return n;
}

// The index of the first byte >= 0x80 at or after `i` (8 bytes at a time: most CSV is ASCII).
size_t SkipAscii(std::string_view s, size_t i) {
  const char* p = s.data();
  while (i + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ULL) break;
    i += 8;
  }
  while (i < s.size() && static_cast<unsigned char>(p[i]) < 0x80) ++i;
  return i;
}

}  // namespace

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t BomLength(TextEncoding e, std::string_view head) {
  switch (e) {
    case TextEncoding::kUtf8Bom:
    case TextEncoding::kUtf8:
      return head.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    case TextEncoding::kUtf16Le:
      return head.starts_with("\xFF\xFE") ? 2 : 0;
    case TextEncoding::kUtf16Be:
      return head.starts_with("\xFE\xFF") ? 2 : 0;
    case TextEncoding::kWindows1252:
      return 0;
  }
  return 0;
}

EncodingGuess DetectEncoding(std::string_view sample, bool complete) {
  if (sample.starts_with("\xEF\xBB\xBF")) return {TextEncoding::kUtf8Bom, 3};
  if (sample.starts_with("\xFF\xFE")) return {TextEncoding::kUtf16Le, 2};
  if (sample.starts_with("\xFE\xFF")) return {TextEncoding::kUtf16Be, 2};

  // UTF-16 without a BOM: text that is mostly ASCII has a NUL in every other byte. Excel
  // always writes the BOM; some exporters do not.
  size_t probe = std::min<size_t>(sample.size(), 4096) & ~size_t{1};
  if (probe >= 4) {
    size_t even_nul = 0, odd_nul = 0;
    for (size_t i = 0; i < probe; i += 2) {
      even_nul += sample[i] == '\0';
      odd_nul += sample[i + 1] == '\0';
    }
    size_t pairs = probe / 2;
    if (odd_nul * 10 >= pairs * 7 && even_nul * 10 <= pairs) return {TextEncoding::kUtf16Le, 0};
    if (even_nul * 10 >= pairs * 7 && odd_nul * 10 <= pairs) return {TextEncoding::kUtf16Be, 0};
  }

  for (size_t i = SkipAscii(sample, 0); i < sample.size(); i = SkipAscii(sample, i)) {
    int n = SequenceAt(sample, i);
    if (n == kCut && !complete) break;
    if (n <= 0) return {TextEncoding::kWindows1252, 0};
    i += static_cast<size_t>(n);
  }
  return {TextEncoding::kUtf8, 0};
}

void TextDecoder::Decode(std::string_view bytes, bool last, std::string* out) {
  switch (encoding_) {
    case TextEncoding::kUtf8:
    case TextEncoding::kUtf8Bom:
      DecodeUtf8(bytes, last, out);
      return;
    case TextEncoding::kUtf16Le:
    case TextEncoding::kUtf16Be:
      DecodeUtf16(bytes, last, out);
      return;
    case TextEncoding::kWindows1252:
      DecodeWindows1252(bytes, out);
      return;
  }
}

void TextDecoder::DecodeUtf8(std::string_view bytes, bool last, std::string* out) {
  // A sequence cut by the previous chunk: complete it with the first bytes of this one.
  if (!carry_.empty()) {
    size_t take = std::min<size_t>(bytes.size(), 4 - carry_.size());
    std::string joined = carry_ + std::string(bytes.substr(0, take));
    int n = SequenceAt(joined, 0);
    if (n == kCut && !last && take == bytes.size()) {
      carry_ = joined;
      return;
    }
    if (n > 0) {
      out->append(joined, 0, static_cast<size_t>(n));
      bytes.remove_prefix(static_cast<size_t>(n) - carry_.size());
    } else {
      // Invalid or cut at the very end: the first carried byte is Windows-1252, and the rest
      // is decoded again from the start.
      AppendUtf8(Cp1252(static_cast<unsigned char>(carry_[0])), out);
      ++fallback_bytes_;
      std::string rest = carry_.substr(1);
      carry_.clear();
      std::string again = rest + std::string(bytes);
      DecodeUtf8(again, last, out);
      return;
    }
    carry_.clear();
  }

  size_t i = 0;
  size_t run = 0;  // start of the valid run not yet copied
  while (true) {
    i = SkipAscii(bytes, i);
    if (i >= bytes.size()) break;
    int n = SequenceAt(bytes, i);
    if (n > 0) {
      i += static_cast<size_t>(n);
      continue;
    }
    out->append(bytes.data() + run, i - run);
    if (n == kCut && !last) {
      carry_.assign(bytes.substr(i));
      return;
    }
    AppendUtf8(Cp1252(static_cast<unsigned char>(bytes[i])), out);
    ++fallback_bytes_;
    ++i;
    run = i;
  }
  out->append(bytes.data() + run, bytes.size() - run);
}

void TextDecoder::DecodeUtf16(std::string_view bytes, bool last, std::string* out) {
  std::string joined;
  if (!carry_.empty()) {
    joined = carry_ + std::string(bytes);
    carry_.clear();
    bytes = joined;
  }
  const bool le = encoding_ == TextEncoding::kUtf16Le;
  size_t i = 0;
  for (; i + 2 <= bytes.size(); i += 2) {
    auto b0 = static_cast<unsigned char>(bytes[i]);
    auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    uint32_t u = le ? (b0 | (b1 << 8)) : ((b0 << 8) | b1);
    if (high_surrogate_ != 0) {
      if (u >= 0xDC00 && u <= 0xDFFF) {
        AppendUtf8(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (u - 0xDC00), out);
        high_surrogate_ = 0;
        continue;
      }
      AppendUtf8(0xFFFD, out);  // a high surrogate with no low one after it
      high_surrogate_ = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      high_surrogate_ = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      AppendUtf8(0xFFFD, out);
    } else {
      AppendUtf8(u, out);
    }
  }
  if (i < bytes.size()) carry_.assign(bytes.substr(i));
  if (last) {
    if (high_surrogate_ != 0 || !carry_.empty()) AppendUtf8(0xFFFD, out);
    high_surrogate_ = 0;
    carry_.clear();
  }
}

void TextDecoder::DecodeWindows1252(std::string_view bytes, std::string* out) {
  size_t run = 0;
  for (size_t i = SkipAscii(bytes, 0); i < bytes.size(); i = SkipAscii(bytes, i + 1)) {
    out->append(bytes.data() + run, i - run);
    AppendUtf8(Cp1252(static_cast<unsigned char>(bytes[i])), out);
    run = i + 1;
  }
  out->append(bytes.data() + run, bytes.size() - run);
}

}  // namespace rally::importexport
