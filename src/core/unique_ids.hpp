#pragma once
// The one check that an id column names each thing once (plan clients, sites and budget regions, network
// places, measure units, access zones): the second appearance of an id is an error at its cell that names
// the line of the first, "site 's1' appears twice (first at line 2)".

#include "core/csv.hpp"
#include "core/csv_columns.hpp"

#include <cstddef>
#include <string_view>

namespace equalis {

// Throws Error(InvalidInput) "{noun} '{id}' appears twice (first at line N)" with `fix`, located at the
// repeated cell. Empty cells are left to the caller: a missing id is its own error, with its own fix.
void require_unique_ids(const CsvTable& table, std::size_t column, std::string_view noun,
                        std::string_view fix);

// The same for a category column of a ColumnTable, whose codes follow first appearance: "{noun} '{id}'
// appears twice in column 'C'" (a table from a vector file or a data frame has no lines to name). Here a
// missing id is refused too ("missing id in column 'C'").
void require_unique_ids(const ColumnTable& table, std::string_view column, std::string_view noun,
                        std::string_view fix);

}  // namespace equalis
