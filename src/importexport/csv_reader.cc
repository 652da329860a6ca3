// The CSV reader: chunked input -> TextDecoder -> a quote-aware state machine that copies
// cells straight out of the decoded chunk. Sniffing (encoding, delimiter, header row) looks at
// the first chunk only, which is then parsed like every other.
//
// Quoting follows RFC 4180, leniently where real files break it:
//   - a quote inside an unquoted cell (5" tall) is a literal quote;
//   - text after a closing quote ("abc"def) is kept, as if the cell went on unquoted (abcdef);
//   - a quote opens a quoted cell only as the cell's first character (a, "b" is ` "b"`);
//   - a quoted cell still open at the end of the file is a row error; one that grows past
//     max_cell_bytes first (the usual sign of a stray quote) ends the read with too_large.
// Line ends: CRLF, LF or CR, also mixed; inside quotes they are kept as they are.
#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "importexport/row_reader.h"
#include "importexport/text_decoder.h"

namespace rally::importexport {
namespace {

constexpr size_t kChunkBytes = 256 * 1024;
constexpr char kDelimiters[] = {',', ';', '\t', '|'};
constexpr size_t kSniffRecords = 200;
constexpr int64_t kFirstWithValue = -1;  // header_row while looking for the first non-blank row

struct RecordShape {
  size_t fields = 1;
  size_t nonempty = 0;
};

// The records of `text` as the reader would split them with `delim` (same quote rules), up to
// `max_records`. Without `complete`, the last record may be cut by the sample's end and is
// left out.
std::vector<RecordShape> ShapeSample(std::string_view text, char delim, bool complete) {
  std::vector<RecordShape> out;
  RecordShape cur;
  bool cell_nonempty = false, in_quotes = false, field_start = true, started = false;
  for (size_t i = 0; i < text.size() && out.size() < kSniffRecords; ++i) {
    char c = text[i];
    started = true;
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          ++i;
          cell_nonempty = true;
        } else {
          in_quotes = false;
        }
      } else {
        cell_nonempty = true;
      }
      continue;
    }
    if (c == '"' && field_start) {
      in_quotes = true;
      field_start = false;
      continue;
    }
    field_start = false;
    if (c == delim) {
      ++cur.fields;
      cur.nonempty += cell_nonempty;
      cell_nonempty = false;
      field_start = true;
    } else if (c == '\n' || c == '\r') {
      cur.nonempty += cell_nonempty;
      out.push_back(cur);
      cur = RecordShape{};
      cell_nonempty = false;
      field_start = true;
      started = false;
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      cell_nonempty = true;
    }
  }
  if (complete && started && out.size() < kSniffRecords) {
    cur.nonempty += cell_nonempty;
    out.push_back(cur);
  }
  return out;
}

// The most common field count among non-blank records (ties: the larger) and how many records
// have it.
std::pair<size_t, size_t> ModalFieldCount(const std::vector<RecordShape>& records) {
  std::map<size_t, size_t> counts;
  for (const RecordShape& r : records)
    if (r.nonempty > 0) ++counts[r.fields];
  std::pair<size_t, size_t> best{0, 0};
  for (const auto& [fields, n] : counts)
    if (n >= best.second) best = {fields, n};
  return best;
}

class CsvReader final : public RowReader {
 public:
  CsvReader(std::unique_ptr<std::istream> in, const ReaderOptions& options)
      : in_(std::move(in)), options_(options), decoder_(TextEncoding::kUtf8) {}

  Status Start();
  Result<bool> Next(Row& row) override;

 private:
  Status Refill();
  Result<bool> ReadRecord(Row& row);
  Status BeginCell(Row& row, size_t& n, std::string*& cell);
  Status Append(std::string* cell, const char* p, size_t len, size_t& row_bytes);
  Status TooLarge(std::string_view what) const;

  std::unique_ptr<std::istream> in_;
  ReaderOptions options_;
  TextDecoder decoder_;
  std::string raw_;     // the last chunk read
  std::string buf_;     // its UTF-8 form, parsed from pos_
  size_t pos_ = 0;
  bool eof_ = false;    // the input is read to its end (and decoded)
  char delim_ = ',';
  std::array<bool, 256> special_{};  // bytes that end an unquoted run
  int64_t record_ = 0;  // records started so far (the current one's number)
  int64_t line_ = 1;    // the physical line at pos_
  bool skip_lf_ = false;  // the previous record ended with CR: an LF right after belongs to it
  Status failed_;       // once not OK, every Next() returns it
};

Status CsvReader::Refill() {
  buf_.clear();
  pos_ = 0;
  raw_.resize(kChunkBytes);
  while (buf_.empty() && !eof_) {
    in_->read(raw_.data(), static_cast<std::streamsize>(raw_.size()));
    size_t got = static_cast<size_t>(in_->gcount());
    if (in_->bad()) return Unavailable("reading the CSV file failed");
    bool last = got < raw_.size();
    decoder_.Decode(std::string_view(raw_.data(), got), last, &buf_);
    eof_ = last;
  }
  detected_.windows1252_fallback_bytes = decoder_.fallback_bytes();
  return Status::Ok();
}

Status CsvReader::Start() {
  if (options_.delimiter &&
      std::find(std::begin(kDelimiters), std::end(kDelimiters), *options_.delimiter) ==
          std::end(kDelimiters))
    return FieldInvalid("delimiter", "invalid", "the delimiter must be one of , ; | or a tab");
  if (options_.header_row < 0)
    return FieldInvalid("header_row", "out_of_range", "header_row is a row number from 1");

  // The sample: the first chunk, at least sample_bytes of it when the file is that long.
  raw_.resize(std::max<size_t>(options_.sample_bytes, 4));
  in_->read(raw_.data(), static_cast<std::streamsize>(raw_.size()));
  size_t got = static_cast<size_t>(in_->gcount());
  if (in_->bad()) return Unavailable("reading the CSV file failed");
  eof_ = got < raw_.size();
  std::string_view sample(raw_.data(), got);

  EncodingGuess guess = DetectEncoding(sample, eof_);
  TextEncoding encoding = guess.encoding;
  if (guess.bom_bytes == 0 && options_.encoding) encoding = *options_.encoding;
  size_t bom = guess.bom_bytes > 0 ? guess.bom_bytes : BomLength(encoding, sample);
  decoder_ = TextDecoder(encoding);
  decoder_.Decode(sample.substr(bom), eof_, &buf_);
  detected_.format = FileFormat::kCsv;
  detected_.encoding = encoding;
  detected_.windows1252_fallback_bytes = decoder_.fallback_bytes();

  // Delimiter: the candidate whose modal field count (of at least 2) the most sampled records
  // share; ties go to the earlier of , ; TAB |. One column reads with ','.
  delim_ = ',';
  if (options_.delimiter) {
    delim_ = *options_.delimiter;
  } else {
    size_t best = 0;
    for (char d : kDelimiters) {
      auto [fields, n] = ModalFieldCount(ShapeSample(buf_, d, eof_));
      if (fields >= 2 && n > best) {
        best = n;
        delim_ = d;
      }
    }
  }
  detected_.delimiter = delim_;
  for (char c : {delim_, '"', '\r', '\n'}) special_[static_cast<unsigned char>(c)] = true;

  // Header: the first sampled record with the modal field count and a non-empty cell, so
  // preamble lines ("Notes:", a title, a blank line) above it are skipped.
  int64_t header_row = options_.header_row;
  if (header_row == 0) {
    std::vector<RecordShape> shapes = ShapeSample(buf_, delim_, eof_);
    size_t modal = ModalFieldCount(shapes).first;
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (shapes[i].nonempty > 0 && (shapes[i].fields == modal || modal < 2)) {
        header_row = static_cast<int64_t>(i) + 1;
        break;
      }
    }
    // No record with a value in the sample (only blank lines, or a first line longer than
    // the sample): the first row with a value, wherever it is.
    if (header_row == 0) header_row = kFirstWithValue;
  }

  Row header;
  while (header_row != 0) {
    Result<bool> got_row = ReadRecord(header);
    if (!got_row.ok()) return got_row.status();
    if (!*got_row) {
      if (options_.header_row > 0)
        return FieldInvalid("header_row", "out_of_range",
                            "header_row " + std::to_string(options_.header_row) +
                                " is past the end of the file (" + std::to_string(record_) +
                                " rows)");
      header_row = 0;  // an empty file: no header, no rows
      break;
    }
    if (record_ == header_row) break;
    if (header_row == kFirstWithValue &&
        std::any_of(header.cells.begin(), header.cells.end(),
                    [](const std::string& c) { return !c.empty(); })) {
      header_row = record_;
      break;
    }
  }
  detected_.header_row = header_row;
  if (header_row > 0) {
    std::vector<std::string>& cells = header.cells;
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    if (cells.empty())
      return FieldInvalid("header_row", "invalid",
                          "row " + std::to_string(header_row) + " is empty; it cannot be the header");
    detected_.header = std::move(cells);
  }
  return Status::Ok();
}

Status CsvReader::TooLarge(std::string_view what) const {
  return rally::TooLarge("row " + std::to_string(record_) + " (line " + std::to_string(line_) +
                         "): " + std::string(what));
}

Status CsvReader::BeginCell(Row& row, size_t& n, std::string*& cell) {
  if (n >= options_.max_columns)
    return TooLarge("more than " + std::to_string(options_.max_columns) + " cells");
  if (row.cells.size() <= n) row.cells.emplace_back();
  cell = &row.cells[n];
  cell->clear();
  ++n;
  return Status::Ok();
}

Status CsvReader::Append(std::string* cell, const char* p, size_t len, size_t& row_bytes) {
  if (len == 0) return Status::Ok();
  if (cell->size() + len > options_.max_cell_bytes)
    return TooLarge("a cell is over the " + std::to_string(options_.max_cell_bytes) +
                    "-byte limit (is a quote left open?)");
  row_bytes += len;
  if (row_bytes > options_.max_row_bytes)
    return TooLarge("the row is over the " + std::to_string(options_.max_row_bytes) +
                    "-byte limit (is a quote left open?)");
  cell->append(p, len);
  return Status::Ok();
}

Result<bool> CsvReader::ReadRecord(Row& row) {
  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kFieldStart;
  size_t n = 0;
  std::string* cell = nullptr;
  size_t row_bytes = 0;
  bool started = false;
  bool quoted_prev_cr = false;
  int64_t start_line = line_;
  int64_t quote_line = 0;
  row.error = Status::Ok();

  auto finish = [&]() -> bool {
    row.cells.resize(n);
    row.number = record_;
    row.line = start_line;
    return true;
  };

  while (true) {
    if (pos_ == buf_.size()) {
      RALLY_RETURN_IF_ERROR(Refill());
      if (buf_.empty()) break;  // end of input
    }
    const char* base = buf_.data();
    const char* p = base + pos_;
    const char* end = base + buf_.size();
    if (!started) {
      if (skip_lf_) {
        skip_lf_ = false;
        if (*p == '\n') {
          ++pos_;
          continue;
        }
      }
      started = true;
      ++record_;
      start_line = line_;
    }
    switch (state) {
      case State::kFieldStart:
        RALLY_RETURN_IF_ERROR(BeginCell(row, n, cell));
        if (*p == '"') {
          ++pos_;
          state = State::kQuoted;
          quote_line = line_;
          break;
        }
        state = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        const char* q = p;
        while (q < end && !special_[static_cast<unsigned char>(*q)]) ++q;
        RALLY_RETURN_IF_ERROR(Append(cell, p, static_cast<size_t>(q - p), row_bytes));
        pos_ = static_cast<size_t>(q - base);
        if (q == end) break;
        ++pos_;
        if (*q == delim_) {
          state = State::kFieldStart;
        } else if (*q == '"') {
          RALLY_RETURN_IF_ERROR(Append(cell, q, 1, row_bytes));  // a bare quote is literal
        } else {
          ++line_;
          skip_lf_ = *q == '\r';
          return finish();
        }
        break;
      }
      case State::kQuoted: {
        const auto len = static_cast<size_t>(end - p);
        const char* q = static_cast<const char*>(std::memchr(p, '"', len));
        if (q == nullptr) q = end;
        const auto span = static_cast<size_t>(q - p);
        if (span > 0) {
          if (std::memchr(p, '\n', span) || std::memchr(p, '\r', span)) {
            for (const char* s = p; s < q; ++s) {
              if (*s == '\n' && !quoted_prev_cr) ++line_;
              if (*s == '\r') ++line_;
              quoted_prev_cr = *s == '\r';
            }
          } else {
            quoted_prev_cr = false;
          }
        }
        RALLY_RETURN_IF_ERROR(Append(cell, p, span, row_bytes));
        pos_ = static_cast<size_t>(q - base);
        if (q == end) break;
        ++pos_;
        state = State::kAfterQuote;
        break;
      }
      case State::kAfterQuote: {
        char c = *p;
        if (c == '"') {  // a doubled quote inside a quoted cell
          RALLY_RETURN_IF_ERROR(Append(cell, p, 1, row_bytes));
          ++pos_;
          quoted_prev_cr = false;
          state = State::kQuoted;
        } else if (c == delim_) {
          ++pos_;
          state = State::kFieldStart;
        } else if (c == '\n' || c == '\r') {
          ++pos_;
          ++line_;
          skip_lf_ = c == '\r';
          return finish();
        } else {
          state = State::kUnquoted;  // "abc"def: the rest of the cell is kept
        }
        break;
      }
    }
  }
  if (!started) return false;
  if (state == State::kFieldStart) RALLY_RETURN_IF_ERROR(BeginCell(row, n, cell));
  if (state == State::kQuoted)
    row.error = InvalidArgument("row " + std::to_string(record_) +
                                ": a quoted cell opened on line " + std::to_string(quote_line) +
                                " is never closed");
  return finish();
}

Result<bool> CsvReader::Next(Row& row) {
  if (!failed_.ok()) return failed_;
  if (detected_.header_row == 0) return false;
  const size_t width = detected_.header.size();
  while (true) {
    Result<bool> got = ReadRecord(row);
    if (!got.ok()) {
      failed_ = got.status();
      return failed_;
    }
    if (!*got) return false;
    const size_t n = row.cells.size();
    bool blank = true;
    for (const std::string& c : row.cells) blank = blank && c.empty();
    if (blank && row.error.ok()) continue;
    if (n > width) {
      bool extras_empty = true;
      for (size_t i = width; i < n; ++i) extras_empty = extras_empty && row.cells[i].empty();
      // Trailing delimiters add empty cells and no data: dropping them guesses nothing.
      if (extras_empty) row.cells.resize(width);
    }
    if (row.cells.size() != width && row.error.ok()) {
      row.error = InvalidArgument("row " + std::to_string(row.number) + " has " +
                                  std::to_string(n) + " cells; the header (row " +
                                  std::to_string(detected_.header_row) + ") has " +
                                  std::to_string(width));
    }
    if (row.cells.size() < width) row.cells.resize(width);
    return true;
  }
}

}  // namespace

Result<std::unique_ptr<RowReader>> OpenCsvReader(std::unique_ptr<std::istream> in,
                                                 const ReaderOptions& options) {
  if (!in || !*in) return InvalidArgument("the CSV input cannot be read");
  auto reader = std::make_unique<CsvReader>(std::move(in), options);
  RALLY_RETURN_IF_ERROR(reader->Start());
  return std::unique_ptr<RowReader>(std::move(reader));
}

}  // namespace rally::importexport
