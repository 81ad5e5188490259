#pragma once
// Helpers shared by every test suite.

#include "core/error.hpp"

#include <gtest/gtest.h>

namespace equalis::test_support {

// Runs `action` and returns the equalis::Error it throws; records a test failure if it throws none.
template <typename Action>
Error error_of(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected an equalis::Error";
  return Error(ErrorCode::Internal, "no error was thrown");
}

}  // namespace equalis::test_support
