// The admin dashboard (gateway/admin/dashboard) in a real browser: a node under
// light site load, with a rollout and an experiment set through the admin API,
// and Debian's headless Chromium on /dashboard#token=... for a few real
// seconds. Chromium is driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe): --dump-dom with --virtual-time-budget runs the
// page's timers in virtual time, so it would poll many times within a real
// second. One DOM dump then proves the numbers arrived and moved, and a
// screenshot is kept: tests/artifacts/ beside the test binary, or
// $GRIDDLE_ARTIFACT_DIR.
#define CAF_SUITE dashboard

#include <caf/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "gateway_fixture.hpp"
#include "headless_browser.hpp"

using namespace griddle;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::headless_browser;
using test::scratch_dir;

namespace {

constexpr const char* admin_token = "dashboard-admin-token-0123456789";
using test::base64_decode;
using test::chromium;

fs::path artifact_dir() {
  if (auto* dir = std::getenv("GRIDDLE_ARTIFACT_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  return fs::read_symlink("/proc/self/exe").parent_path() / "artifacts";
}

// -- reading the DOM dump -----------------------------------------------------------

/// The first capture of `pattern` in `dom`, or "" when it does not match.
std::string capture(const std::string& dom, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(dom, m, std::regex{pattern}) ? m[1].str() : std::string{};
}

double number(const std::string& text) {
  return text.empty() ? -1 : std::strtod(text.c_str(), nullptr);
}

/// The raw value of the element with id `id` (its data-value).
double value_of(const std::string& dom, const std::string& id) {
  return number(capture(dom, "id=\"" + id + "\" data-value=\"([^\"]*)\""));
}

/// The data-value of the cell `data-field="field"` in the table row marked
/// `data-type="type"` of the table `table`, or -1.
double cell(const std::string& dom, const std::string& table, const std::string& type,
            const std::string& field) {
  auto at = dom.find("<table id=\"" + table + "\"");
  auto end = dom.find("</table>", at);
  if (at == std::string::npos ||
      (at = dom.find("<tr data-type=\"" + type + "\"", at)) == std::string::npos || at > end)
    return -1;
  auto row = dom.substr(at, dom.find("</tr>", at) - at);
  return number(capture(row, "data-field=\"" + field + "\" data-value=\"([^\"]*)\""));
}

/// The data-values of the cells of `arm` for `field` in experiment tables.
std::vector<double> arm_cells(const std::string& dom, const std::string& arm,
                              const std::string& field) {
  std::vector<double> result;
  std::regex re{"<td data-arm=\"" + arm + "\" data-field=\"" + field +
                "\" data-value=\"([^\"]*)\""};
  for (std::sregex_iterator i{dom.begin(), dom.end(), re}, end; i != end; ++i)
    result.push_back(number((*i)[1].str()));
  return result;
}

std::vector<double> history_of(const std::string& dom) {
  std::vector<double> result;
  std::stringstream in{capture(dom, "id=\"rate-history\" data-history=\"([^\"]*)\"")};
  for (std::string item; std::getline(in, item, ',');)
    result.push_back(number(item));
  return result;
}

// -- the node --------------------------------------------------------------------------

struct fixture : test::gateway_fixture {
  fixture()
      : gateway_fixture({"--admin=0", std::string{"--admin-token="} + admin_token,
                         // feed@2-faulty, so the ghost finds mismatches to show
                         "--demo-faulty-versions",
                         // feed reads reach the entity, where the ghost compares them
                         "--http-no-read-views"}) {}

  ~fixture() { stop_load_thread(); }

  void stop_load_thread() {
    stop_load = true;
    if (load.joinable())
      load.join();
  }

  nlohmann::json admin(std::string_view method, std::string_view target,
                       const nlohmann::json& body) {
    test::http_connection conn{node.admin_port()};
    auto res = conn.request(method, target, body.dump(), test::bearer(admin_token));
    CAF_REQUIRE_EQUAL(res.status, 200);
    return res.json();
  }

  void as(const test::site_user& u, std::string_view method, const std::string& target) {
    auto res = call(method, target, {}, test::bearer(u.token));
    CAF_REQUIRE_LESS(res.status, 300);
  }

  /// Ghost mode for feed@2-faulty (guard off, so it stays), an experiment on
  /// the feed, six users, Ada and Bob matched, then Ada visiting Bob: the
  /// faulty feed drops the match, so reading Bob's feed mismatches.
  std::vector<test::site_user> prepare() {
    admin("POST", "/admin/v1/rollouts/feed/guard", {{"enabled", false}});
    admin("POST", "/admin/v1/rollouts/feed/start", {{"candidate", "2-faulty"}});
    admin("PUT", "/admin/v1/experiments/feed-ranking",
          {{"enabled", true},
           {"arms",
            {{{"name", "control"}, {"weight", 1}}, {{"name", "matched_first"}, {"weight", 1}}}}});
    std::vector<test::site_user> users;
    for (auto name : {"ada", "bob", "cara", "dan", "eve", "finn"})
      users.push_back(join(name));
    auto& ada = users[0];
    auto& bob = users[1];
    as(ada, "POST", "/v1/users/" + bob.id + "/like");
    as(bob, "POST", "/v1/users/" + ada.id + "/like");
    auto matched = [&] {
      auto page = call("GET", "/v1/feed?limit=20", {}, test::bearer(bob.token)).json();
      for (auto& x : page["items"])
        if (x["kind"] == "matched")
          return true;
      return false;
    };
    for (int i = 0; i < 200 && !matched(); ++i)
      std::this_thread::sleep_for(20ms);
    as(ada, "GET", "/v1/users/" + bob.id);
    return users;
  }

  /// Light load until stopped: each user's profile and feed in turn, and now
  /// and then a request without a token (a 401), about 50 requests a second.
  void start_load(std::vector<test::site_user> users) {
    load = std::thread{[this, users] {
      try {
        auto conn = connect();
        for (size_t i = 0; !stop_load; ++i) {
          auto& u = users[i % users.size()];
          conn.request("GET", "/v1/me", {}, test::bearer(u.token));
          conn.request("GET", "/v1/feed?limit=20", {}, test::bearer(u.token));
          if (i % 10 == 0)
            conn.request("GET", "/v1/me");
          load_requests += i % 10 == 0 ? 3 : 2;
          std::this_thread::sleep_for(40ms);
        }
      } catch (const std::exception& e) {
        load_error = e.what();
      }
    }};
  }

  std::thread load;
  std::atomic<bool> stop_load{false};
  std::atomic<int> load_requests{0};
  std::string load_error;
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(dashboard_tests, fixture)

CAF_TEST(the dashboard files are served without a token and the api still needs one) {
  auto admin_port = node.admin_port();
  CAF_REQUIRE_NOT_EQUAL(admin_port, 0);
  CAF_CHECK(node.output().find("dashboard: http://127.0.0.1:" + std::to_string(admin_port) +
                               "/dashboard#token=") != std::string::npos);
  test::http_connection conn{admin_port};
  for (auto target : {"/dashboard", "/dashboard/", "/dashboard/index.html"}) {
    auto res = conn.request("GET", target);
    CAF_CHECK_EQUAL(res.status, 200);
    CAF_CHECK_EQUAL(res.header("Content-Type"), "text/html; charset=utf-8");
    CAF_CHECK_EQUAL(res.header("Cache-Control"), "no-store");
    CAF_CHECK(res.body.find("<title>Griddle dashboard</title>") != std::string::npos);
  }
  auto css = conn.request("GET", "/dashboard/dashboard.css");
  CAF_CHECK_EQUAL(css.status, 200);
  CAF_CHECK_EQUAL(css.header("Content-Type"), "text/css; charset=utf-8");
  auto js = conn.request("GET", "/dashboard/dashboard.js");
  CAF_CHECK_EQUAL(js.status, 200);
  CAF_CHECK_EQUAL(js.header("Content-Type"), "text/javascript; charset=utf-8");
  CAF_CHECK(js.body.find("'/admin/v1'") != std::string::npos);
  auto missing = conn.request("GET", "/dashboard/secrets.txt");
  CAF_CHECK_EQUAL(missing.status, 404);
  auto code = missing.json()["error"]["code"].get<std::string>();
  CAF_CHECK_EQUAL(code, "not_found");
  CAF_CHECK_EQUAL(conn.request("GET", "/dashboardx").status, 401);
  CAF_CHECK_EQUAL(conn.request("GET", "/admin/v1/nodes").status, 401);
}

CAF_TEST(the dashboard shows live numbers in headless chromium) {
  if (!fs::exists(chromium))
    CAF_FAIL(chromium << " is missing: install Debian's chromium (deploy/debian-packages.txt "
                         "lists it; apt-get install -y chromium)");
  auto artifacts = artifact_dir();
  fs::create_directories(artifacts);
  start_load(prepare());
  scratch_dir profile;  // Chromium's, gone once the browser is
  auto url =
      "http://127.0.0.1:" + std::to_string(node.admin_port()) + "/dashboard#token=" + admin_token;
  std::string dom;
  std::vector<std::string> page_errors;
  auto started = std::chrono::steady_clock::now();
  try {
    headless_browser browser{url, profile.path, artifacts / "chromium.log"};
    std::string page;
    for (int i = 0; i < 100 && page.empty(); ++i) {
      auto targets = browser.call("Target.getTargets");
      for (auto& t : targets["targetInfos"])
        if (t["type"] == "page" &&
            t["url"].get<std::string>().find("/dashboard") != std::string::npos)
          page = t["targetId"].get<std::string>();
      if (page.empty())
        std::this_thread::sleep_for(100ms);
    }
    if (page.empty())
      CAF_FAIL("no page for " << url << " among " << browser.call("Target.getTargets").dump());
    auto session =
        browser.call("Target.attachToTarget", {{"targetId", page}, {"flatten", true}})["sessionId"]
            .get<std::string>();
    browser.call("Runtime.enable", nlohmann::json::object(), session);
    browser.call("Emulation.setDeviceMetricsOverride",
                 {{"width", 1280}, {"height", 900}, {"deviceScaleFactor", 1}, {"mobile", false}},
                 session);
    // Real seconds of polling: until six updates, within 40 s.
    auto updates = [&] {
      constexpr auto expression = "Number(document.getElementById('updates').textContent)";
      auto r = browser.call("Runtime.evaluate",
                            {{"expression", expression}, {"returnByValue", true}}, session);
      return r["result"].value("value", 0);
    };
    for (auto deadline = started + 40s;
         updates() < 6 && std::chrono::steady_clock::now() < deadline;)
      std::this_thread::sleep_for(250ms);
    dom = browser
              .call("Runtime.evaluate",
                    {{"expression", "document.documentElement.outerHTML"}, {"returnByValue", true}},
                    session)["result"]
              .value("value", "");
    // The whole page, however tall it has grown.
    auto metrics = browser.call("Page.getLayoutMetrics", nlohmann::json::object(), session);
    auto height =
        std::min(3000.0, std::max(900.0, metrics["cssContentSize"]["height"].get<double>()));
    auto shot = browser.call(
        "Page.captureScreenshot",
        {{"format", "png"},
         {"captureBeyondViewport", true},
         {"clip", {{"x", 0}, {"y", 0}, {"width", 1280}, {"height", height}, {"scale", 1}}}},
        session);
    std::ofstream{artifacts / "dashboard.png", std::ios::binary}
        << base64_decode(shot["data"].get<std::string>());
    page_errors = browser.page_errors();
    try {
      browser.call("Browser.close", nlohmann::json::object(), {}, 5s);
    } catch (const std::exception&) {
      // Gone before it answered: the destructor reaps it either way.
    }
  } catch (const std::exception& e) {
    CAF_FAIL("driving chromium failed: " << e.what() << " (its output: "
                                         << (artifacts / "chromium.log").string() << ")");
  }
  stop_load_thread();
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ofstream{artifacts / "dashboard.html"} << dom;
  CAF_MESSAGE("screenshot: " << (artifacts / "dashboard.png").string()
                             << ", DOM: " << (artifacts / "dashboard.html").string());
  CAF_MESSAGE("chromium ran " << seconds << " s; load thread sent " << load_requests.load()
                              << " requests"
                              << (load_error.empty() ? "" : ", then: " + load_error));
  for (auto& e : page_errors)
    CAF_MESSAGE("page error: " << e);
  CAF_CHECK(page_errors.empty());
  CAF_REQUIRE(!dom.empty());
  CAF_CHECK(load_error.empty());

  // Updated, without errors, over real seconds.
  auto updates = number(capture(dom, "<span id=\"updates\">(\\d+)</span>"));
  auto status = capture(dom, "id=\"status\" data-state=\"([a-z-]*)\"");
  CAF_MESSAGE("updates " << updates << ", status " << status << ": "
                         << capture(dom, "id=\"status\"[^>]*>([^<]*)<"));
  CAF_CHECK_GREATER_OR_EQUAL(updates, 2);
  CAF_CHECK_EQUAL(status, "ok");
  // At most one poll a second: the page ran in real time, not virtual time.
  CAF_CHECK_GREATER_OR_EQUAL(seconds + 0.5, updates - 1);
  // The request rate arrived and moved.
  auto history = history_of(dom);
  CAF_MESSAGE("request rate " << value_of(dom, "request-rate") << "/s, history "
                              << capture(dom, "data-history=\"([^\"]*)\"") << ", p50 "
                              << value_of(dom, "p50") << " ms, p99 " << value_of(dom, "p99")
                              << " ms, 4xx " << value_of(dom, "errors-4xx") << "/s, 5xx "
                              << value_of(dom, "errors-5xx") << "/s");
  CAF_CHECK_GREATER(value_of(dom, "request-rate"), 0);
  CAF_REQUIRE_GREATER_OR_EQUAL(history.size(), 2u);
  CAF_CHECK(std::any_of(history.begin(), history.end(), [&](double x) { return x != history[0]; }));
  CAF_CHECK_GREATER(value_of(dom, "p50"), 0);
  CAF_CHECK_GREATER_OR_EQUAL(value_of(dom, "p99"), value_of(dom, "p50"));
  CAF_CHECK_GREATER(value_of(dom, "requests-total"), 0);
  // Active entities per type.
  for (auto type : {"user", "feed", "session"}) {
    auto active = cell(dom, "entities", type, "active");
    CAF_MESSAGE(type << " active: " << active);
    CAF_CHECK_GREATER(active, 0);
  }
  // The rollout, its mismatches and samples.
  CAF_CHECK(dom.find("<tr data-type=\"feed\" data-phase=\"ghost\"") != std::string::npos);
  auto mismatched = cell(dom, "rollouts", "feed", "mismatched");
  CAF_MESSAGE("feed: compared " << cell(dom, "rollouts", "feed", "compared") << ", mismatched "
                                << mismatched << ", samples "
                                << capture(dom, "id=\"mismatch-samples\" data-count=\"(\\d+)\""));
  CAF_CHECK_GREATER(mismatched, 0);
  CAF_CHECK_GREATER(number(capture(dom, "id=\"mismatch-samples\" data-count=\"(\\d+)\"")), 0);
  // The experiment's arms side by side.
  CAF_CHECK(dom.find("data-experiment=\"feed-ranking\"") != std::string::npos);
  double exposures = 0;
  for (auto arm : {"control", "matched_first"}) {
    auto x = arm_cells(dom, arm, "exposures");
    CAF_CHECK_EQUAL(x.size(), 1u);
    for (auto n : x)
      exposures += n;
  }
  CAF_MESSAGE("feed-ranking exposures: " << exposures);
  CAF_CHECK_GREATER(exposures, 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
