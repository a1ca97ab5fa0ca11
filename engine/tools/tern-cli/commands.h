#pragma once
// One function per tern-cli command; argv starts after the command name.
#include <memory>

#include "args.h"
#include "tern/model.h"
#include "tern/session.h"
#include "util/user_files.h"  // read_text_file, output_file_target

namespace tern::cli {

int cmd_info(int argc, char** argv);
int cmd_tokenize(int argc, char** argv);
int cmd_generate(int argc, char** argv);
int cmd_chat(int argc, char** argv);
int cmd_logits(int argc, char** argv);
int cmd_perplexity(int argc, char** argv);
int cmd_synth(int argc, char** argv);
int cmd_devices(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_serve(int argc, char** argv);

// --precision, --head and --kv spellings; tern::Error for others.
Precision parse_precision(const std::string& name);
HeadType parse_head(const std::string& name);
KvType parse_kv(const std::string& name);
// Applies -v; the load options the common model options ask for, with a progress line on a terminal.
LoadOptions load_options(const Args& args);
// Loads -m with load_options(args) or the given ones, saying which backend runs it.
std::shared_ptr<Model> load_model(const Args& args);
std::shared_ptr<Model> load_model(const Args& args, const LoadOptions& options);
SessionOptions session_options(const Args& args);
// Throws tern::Error(error) unless it is "": for the engine's validate() checks, which every
// command runs on its numbers before loading anything.
void check(const std::string& error);

}  // namespace tern::cli
