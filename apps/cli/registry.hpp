#pragma once
// Command families register themselves here from their own file (a static CommandRegistration), so a
// new module's command is added by adding one file to apps/cli/, without touching main.cpp.

#include <CLI/CLI.hpp>

#include <vector>

namespace equalis::cli {

struct Context;
using AddCommand = void (*)(CLI::App& app, Context& context);

struct RegisteredCommand {
  int order;  // position in --help: measure 10, network 20, access 30, plan 40, audit 50, run 60
  AddCommand add;
};

std::vector<RegisteredCommand>& command_registry();

struct CommandRegistration {
  CommandRegistration(int order, AddCommand add) { command_registry().push_back({order, add}); }
};

}  // namespace equalis::cli
