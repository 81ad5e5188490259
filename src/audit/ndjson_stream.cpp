#include "audit/ndjson_stream.hpp"

#include "audit/csv_stream.hpp"
#include "core/input_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace equalis::audit {

NdjsonStreamReader::NdjsonStreamReader(const std::string& path, std::vector<std::string> keys,
                                       bool compute_sha256)
    : keys_(std::move(keys)), values_(keys_.size()), fields_(keys_.size()), positions_(keys_.size(), 1) {
  if (path == "-") {
    stream_ = stdin;
    source_ = "<stdin>";
  } else {
    require_input_file(path);
    stream_ = std::fopen(path.c_str(), "rb");
    source_ = path;
    if (stream_ == nullptr) {
      throw Error(ErrorCode::Io, fmt::format("cannot open '{}': {}", path, std::strerror(errno)),
                  "check the path and permissions");
    }
    owns_ = true;
  }
  if (compute_sha256) hasher_ = std::make_unique<Sha256>();
}

NdjsonStreamReader::~NdjsonStreamReader() {
  if (owns_) std::fclose(stream_);
  std::free(buffer_);  // allocated by getline
}

std::size_t NdjsonStreamReader::column_index(std::string_view name) const {
  const auto it = std::find(keys_.begin(), keys_.end(), name);
  if (it == keys_.end()) {
    throw Error(ErrorCode::Internal, fmt::format("key '{}' was not requested", name), "report this bug");
  }
  return static_cast<std::size_t>(it - keys_.begin());
}

bool NdjsonStreamReader::read_line(std::string& line) {
  if (interrupted_) return false;
  while (true) {
    // Nothing left in the stream's buffer: wait for the pipe, hearing Ctrl-C (glibc's FILE fields).
    if (stop_on_interrupt_ && stream_->_IO_read_ptr >= stream_->_IO_read_end && ::fileno(stream_) >= 0 &&
        !wait_for_input_or_stop(::fileno(stream_), stop_on_interrupt_)) {
      interrupted_ = true;
      pending_.clear();
      return false;
    }
    errno = 0;
    const ssize_t size = ::getline(&buffer_, &capacity_, stream_);
    if (size >= 0) {
      const std::string_view chunk(buffer_, static_cast<std::size_t>(size));
      if (hasher_) hasher_->update(chunk);
      pending_.append(chunk);
      if (chunk.ends_with('\n')) break;
      continue;  // end of input mid-line: wait for the rest, or take it as the last line
    }
    if (errno == EINTR && stop_on_interrupt_) {
      std::clearerr(stream_);
      if (!stop_on_interrupt_()) continue;
      interrupted_ = true;  // the input ends at the interrupt; a line it cut is not read
      pending_.clear();
      return false;
    }
    if (wait_for_more_ && wait_for_more_()) {
      std::clearerr(stream_);
      continue;
    }
    if (pending_.empty()) return false;
    break;
  }
  line.swap(pending_);
  pending_.clear();
  ++line_number_;
  return true;
}

bool NdjsonStreamReader::next() {
  while (read_line(line_)) {
    std::string_view text(line_);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (line_number_ == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    parse(text);
    return true;
  }
  return false;
}

void NdjsonStreamReader::parse(std::string_view text) {
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(ErrorCode::Parse, fmt::format("the line is not valid JSON ({})", error.what()),
                "write one JSON object per line (NDJSON)", SourceLocation{source_, line_number_, error.byte});
  } catch (const nlohmann::json::out_of_range& error) {
    // A number beyond a double (1e400): the parser quotes it but gives no position, so find it.
    const std::string_view message = error.what();
    const std::size_t open = message.find('\'');
    const std::size_t close = message.rfind('\'');
    const std::size_t at = open < close ? text.find(message.substr(open + 1, close - open - 1)) : text.npos;
    throw Error(ErrorCode::Parse, fmt::format("the line holds a number too large for a double ({})", message),
                "write numbers of magnitude below 1.8e308, or the value as a string",
                SourceLocation{source_, line_number_, at == text.npos ? 1 : at + 1});
  }
  if (!object.is_object()) {
    throw Error(ErrorCode::Parse, "the line is not a JSON object", "write one JSON object per line",
                SourceLocation{source_, line_number_, 1});
  }
  for (std::size_t key_idx = 0; key_idx < keys_.size(); ++key_idx) {
    const std::string& key = keys_[key_idx];
    const std::size_t at = text.find("\"" + key + "\"");
    positions_[key_idx] = at == std::string_view::npos ? 1 : at + 1;
    const auto it = object.find(key);
    std::string& value = values_[key_idx];
    if (it == object.end() || it->is_null()) {
      value.clear();
    } else if (it->is_string()) {
      value = it->get<std::string>();
    } else if (it->is_boolean()) {
      value = it->get<bool>() ? "true" : "false";
    } else if (it->is_number()) {
      value = it->dump();
    } else {
      throw Error(ErrorCode::Parse, fmt::format("key '{}' holds an object or array", key),
                  "give a string, number, boolean or null", location(key_idx));
    }
    fields_[key_idx] = value;
  }
}

SourceLocation NdjsonStreamReader::location(std::size_t idx) const {
  return SourceLocation{source_, line_number_, positions_[idx]};
}

std::string NdjsonStreamReader::sha256_hex() {
  return hasher_ ? hasher_->hex_digest() : std::string();
}

}  // namespace equalis::audit
