#pragma once
// A small command-line parser: each command declares its options, with help text, and reads them
// back typed. Bad input throws tern::Error with a message for the user.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tern::cli {

struct Option {
    std::vector<std::string> names;  // {"-m", "--model"}
    std::string value_name;          // "" for a flag
    std::string help;
};

class Args {
public:
    Args(std::string command, std::string synopsis, std::vector<Option> options);

    // Returns false when --help was given (usage already printed).
    bool parse(int argc, char** argv);
    std::string usage() const;

    bool flag(const std::string& name) const;
    std::optional<std::string> get(const std::string& name) const;
    std::string require(const std::string& name) const;
    int get_int(const std::string& name, int fallback) const;
    double get_double(const std::string& name, double fallback) const;
    uint64_t get_u64(const std::string& name, uint64_t fallback) const;
    // Replaces an option's value, as if it had been given so.
    void set(const std::string& name, std::string value);

private:
    const Option* find(const std::string& name) const;
    std::string command_, synopsis_;
    std::vector<Option> options_;
    std::map<std::string, std::string> values_;  // keyed by the option's first name
};

// Options every model-running command shares.
std::vector<Option> common_model_options();

}  // namespace tern::cli
