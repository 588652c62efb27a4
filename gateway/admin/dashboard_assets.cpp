#include "gateway/admin/dashboard_assets.hpp"

#include <array>
#include <string>
#include <utility>

#include "gateway/api_error.hpp"

namespace griddle::gateway::admin {

// In the file gateway/admin/embed_dashboard.cmake generates.
namespace detail {

extern const std::string_view dashboard_index_html;
extern const std::string_view dashboard_css;
extern const std::string_view dashboard_js;

}  // namespace detail

namespace {

constexpr std::string_view prefix = "/dashboard";

/// The page may load only its own script and style, and talk only to its own
/// origin (the admin API); nothing may frame it.
constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace

const dashboard_asset* find_dashboard_asset(std::string_view name) {
  static const std::array<std::pair<std::string_view, dashboard_asset>, 3> files{{
      {"index.html", {"text/html; charset=utf-8", detail::dashboard_index_html}},
      {"dashboard.css", {"text/css; charset=utf-8", detail::dashboard_css}},
      {"dashboard.js", {"text/javascript; charset=utf-8", detail::dashboard_js}},
  }};
  if (name.empty())
    name = "index.html";
  for (auto& [file, asset] : files)
    if (file == name)
      return &asset;
  return nullptr;
}

bool serve_dashboard(const exchange_ptr& ex) {
  auto path = ex->path();
  if (ex->request().method() != http::verb::get || path.substr(0, prefix.size()) != prefix)
    return false;
  auto rest = path.substr(prefix.size());
  if (!rest.empty() && rest.front() != '/')
    return false;  // "/dashboardx" is not ours
  auto name = rest.empty() ? rest : rest.substr(1);
  // One route for metrics, whatever name a client asks for.
  ex->set_route("/dashboard/{name}");
  auto* asset = find_dashboard_asset(name);
  if (asset == nullptr) {
    ex->fail(api_error::not_found("no dashboard file '" + std::string{name} + "'"));
    return true;
  }
  http_response res{http::status::ok, ex->request().version()};
  res.set(http::field::content_type, asset->content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", content_security_policy);
  res.body() = std::string{asset->body};
  ex->respond(std::move(res));
  return true;
}

}  // namespace griddle::gateway::admin
