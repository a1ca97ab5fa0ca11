#pragma once
// Opening files a user names (a model, a text, a tokenizer.json, an output). A FIFO or a device
// given instead would block open() forever or read without end, so the file type is checked on a
// descriptor opened without blocking, and every text read is bounded.
#include <cstdint>
#include <string>

namespace tern {

// The largest text file read whole (-f, tokenizer.json): far above any real prompt, corpus chunk
// or vocabulary, far below what would exhaust memory once tokenized.
constexpr uint64_t kMaxTextFileBytes = 256ull << 20;

// Opens `path` read-only (close-on-exec) and returns the descriptor, or throws tern::Error naming
// the path and what it is instead ("is a directory", "is a FIFO (named pipe)", ...).
int open_regular_file(const std::string& path);

// The whole content of a regular file of at most max_bytes; tern::Error otherwise.
std::string read_text_file(const std::string& path, uint64_t max_bytes = kMaxTextFileBytes);

// Where an output named `path` is really written: the path itself when nothing is there, the
// final target when it is a symbolic link (so writing replaces the target and keeps the link).
// Throws tern::Error for a directory or anything else that is not a regular file, checked without
// opening it (opening a FIFO for writing blocks until someone reads it).
std::string output_file_target(const std::string& path);

}  // namespace tern
