// equalis: measure, audit and plan the equalization of basic public services.
// A thin shell over the library: parse arguments, run, map errors to exit codes.

#include "commands.hpp"
#include "registry.hpp"

#include "core/error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace equalis::cli {
std::vector<RegisteredCommand>& command_registry() {
  static std::vector<RegisteredCommand> registry;
  return registry;
}
}  // namespace equalis::cli

namespace {

int report_error(const equalis::Error& error) {
  fmt::print(stderr, "equalis: error: {}\n", equalis::cli::respell_for_cli(error.what()));
  return equalis::error_code_info(error.code()).exit_status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"equalis — measure, audit and plan the equalization of basic public services"};
  app.set_version_flag("--version", std::string("equalis ") + EQUALIS_VERSION);
  app.require_subcommand(1);
  equalis::cli::Context context;
  equalis::cli::add_measure_command(app, context);
  auto& registry = equalis::cli::command_registry();
  std::stable_sort(registry.begin(), registry.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  for (const auto& command : registry) command.add(app, context);
  equalis::cli::TerminalProgress::install_interrupt_handler();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const equalis::Error& error) {
    return report_error(error);
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "equalis: error: out of memory (fix: use a smaller input or a machine with more memory)\n");
    return equalis::error_code_info(equalis::ErrorCode::Io).exit_status;
  } catch (const std::exception& error) {
    fmt::print(stderr,
               "equalis: internal error: {} (please report this bug with the command that triggered it)\n",
               error.what());
    return equalis::error_code_info(equalis::ErrorCode::Internal).exit_status;
  }
  return context.exit_status;
}
