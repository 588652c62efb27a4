// The admin dashboard's static files (gateway/admin/dashboard/: the page, its
// style and its script), compiled into the binary at build time by
// gateway/admin/embed_dashboard.cmake, so a node serves them whatever its
// working directory. The page carries no data: it reads /admin/v1 with the
// token the operator gives it, so serving the files needs no token.
#pragma once

#include <string_view>

#include "gateway/exchange.hpp"

namespace griddle::gateway::admin {

/// One embedded file; both views stay valid for the whole program.
struct dashboard_asset {
  std::string_view content_type;
  std::string_view body;
};

/// The file `name` ("index.html", "dashboard.css" or "dashboard.js"; "" is
/// the page too), or null for any other name.
const dashboard_asset* find_dashboard_asset(std::string_view name);

/// Answers `GET /dashboard`, `/dashboard/` and `/dashboard/NAME` with the
/// file (`Cache-Control: no-store`), or 404 JSON for an unknown name, and
/// returns true; returns false, answering nothing, for any other request.
bool serve_dashboard(const exchange_ptr& ex);

}  // namespace griddle::gateway::admin
