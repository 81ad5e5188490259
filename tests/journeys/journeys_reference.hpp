#pragma once
// The journeys engine before the usability profiles, kept as a test reference (journeys_reference.cpp).

#include "journeys/journeys.hpp"

namespace equalis::journeys::reference {

JourneyResult evaluate_journeys_reference(const Catalogue& catalogue, const GroupAbilities& abilities,
                                          const JourneyInputs& inputs, const JourneyOptions& options = {},
                                          ProgressSink& progress = null_progress());

}  // namespace equalis::journeys::reference
