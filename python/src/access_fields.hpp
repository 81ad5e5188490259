#pragma once
// The access request's fields that equalis.access and equalis.journeys share: zones and their groups,
// the offices (facilities), the travel costs and the access standard.

#include "binding.hpp"

#include "access/access_run.hpp"

namespace equalis::python {

void read_place_fields(Fields& in, access::AccessRequest& request);

}  // namespace equalis::python
