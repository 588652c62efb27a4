// The flag set: one namespace for toggles and experiments, validated
// create / update / delete that leave the set unchanged on failure, and
// evaluation by name.
#define CAF_SUITE flag_set
#include <caf/test/dsl.hpp>

#include <string>

#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/flag_set.hpp"

using namespace griddle::flags;

namespace {

using kind = flag_error::kind;

/// Runs `f`; returns "<kind> <field>" of the `flag_error` it throws, or "<none>".
template <class F>
std::string failure_of(F f) {
  try {
    f();
  } catch (const flag_error& e) {
    static const char* names[] = {"invalid", "not_found", "conflict"};
    return std::string{names[static_cast<int>(e.code())]} + " " + e.field();
  }
  return "<none>";
}

toggle make_toggle(std::string name, uint32_t percentage_bp = 5'000) {
  return toggle{std::move(name), true, percentage_bp, {}};
}

experiment_spec make_spec(std::string name, std::vector<arm> arms = {{"a", 1}, {"b", 1}}) {
  return experiment_spec{std::move(name), true, std::move(arms), {}};
}

}  // namespace

CAF_TEST(toggles are created updated and removed) {
  flag_set set;
  set.create_toggle(make_toggle("new-inbox", 0));
  CAF_REQUIRE(set.find_toggle("new-inbox") != nullptr);
  CAF_CHECK(!set.is_on("new-inbox", {"42", "", -1}));
  set.update_toggle(make_toggle("new-inbox", 10'000));
  CAF_CHECK_EQUAL(set.find_toggle("new-inbox")->percentage_bp, 10'000u);
  CAF_CHECK(set.is_on("new-inbox", {"42", "", -1}));
  set.remove_toggle("new-inbox");
  CAF_CHECK(set.find_toggle("new-inbox") == nullptr);
  CAF_CHECK(!set.is_on("new-inbox", {"42", "", -1}));
  CAF_CHECK(set.toggles().empty());
}

CAF_TEST(experiments are created updated reshuffled and removed) {
  flag_set set;
  const auto& created = set.create_experiment(make_spec("checkout"));
  CAF_CHECK_EQUAL(created.generation(), 0u);
  auto before = set.assign("checkout", {"42", "", -1});
  CAF_REQUIRE(before.has_value());
  auto moved = set.update_experiment(make_spec("checkout", {{"a", 1}, {"b", 3}}));
  CAF_CHECK_EQUAL(moved, 2'500u);
  set.reshuffle_experiment("checkout");
  CAF_CHECK_EQUAL(set.find_experiment("checkout")->generation(), 1u);
  set.remove_experiment("checkout");
  CAF_CHECK(set.find_experiment("checkout") == nullptr);
  CAF_CHECK(!set.assign("checkout", {"42", "", -1}).has_value());
}

CAF_TEST(a name is taken by a toggle or an experiment but not both) {
  flag_set set;
  set.create_toggle(make_toggle("checkout"));
  set.create_experiment(make_spec("feed"));
  CAF_CHECK_EQUAL(failure_of([&] { set.create_toggle(make_toggle("checkout")); }), "conflict name");
  CAF_CHECK_EQUAL(failure_of([&] { set.create_experiment(make_spec("checkout")); }),
                  "conflict name");
  CAF_CHECK_EQUAL(failure_of([&] { set.create_toggle(make_toggle("feed")); }), "conflict name");
  CAF_CHECK_EQUAL(set.toggles().size(), 1u);
  CAF_CHECK_EQUAL(set.experiments().size(), 1u);
}

CAF_TEST(changing what does not exist is not found) {
  flag_set set;
  set.create_toggle(make_toggle("t"));
  set.create_experiment(make_spec("e"));
  CAF_CHECK_EQUAL(failure_of([&] { set.update_toggle(make_toggle("e")); }), "not_found name");
  CAF_CHECK_EQUAL(failure_of([&] { set.remove_toggle("e"); }), "not_found name");
  CAF_CHECK_EQUAL(failure_of([&] { set.update_experiment(make_spec("t")); }), "not_found name");
  CAF_CHECK_EQUAL(failure_of([&] { set.reshuffle_experiment("t"); }), "not_found name");
  CAF_CHECK_EQUAL(failure_of([&] { set.remove_experiment("t"); }), "not_found name");
  std::string message;
  try {
    set.remove_toggle(std::string(1'000, 'x'));
  } catch (const flag_error& e) {
    message = e.what();
  }
  CAF_CHECK_EQUAL(message.substr(0, 23), "name: no toggle named '");
  CAF_CHECK_LESS(message.size(), 120u);
}

CAF_TEST(invalid input is rejected and leaves the set unchanged) {
  flag_set set;
  set.create_toggle(make_toggle("t", 1'000));
  set.create_experiment(make_spec("e"));
  auto copy = set;
  CAF_CHECK_EQUAL(failure_of([&] { set.create_toggle(make_toggle("Bad Name")); }), "invalid name");
  CAF_CHECK_EQUAL(failure_of([&] { set.update_toggle(make_toggle("t", 10'001)); }),
                  "invalid percentage_bp");
  CAF_CHECK_EQUAL(failure_of([&] { set.create_experiment(make_spec("f", {})); }), "invalid arms");
  CAF_CHECK_EQUAL(failure_of([&] {
                    set.update_experiment(make_spec("e", {{"a", 0}, {"b", 0}}));
                  }),
                  "invalid arms");
  CAF_CHECK_EQUAL(failure_of([&] {
                    set.update_experiment(make_spec("e", {{"a", 1}, {"a", 1}}));
                  }),
                  "invalid arms[1].name");
  CAF_CHECK(set == copy);
  set.update_toggle(make_toggle("t", 2'000));
  CAF_CHECK(!(set == copy));
}

CAF_TEST(evaluation by name matches evaluating the flag itself) {
  flag_set set;
  set.create_toggle(make_toggle("t", 3'000));
  set.create_experiment(make_spec("e", {{"a", 1}, {"b", 2}, {"c", 3}}));
  const auto& t = *set.find_toggle("t");
  const auto& e = *set.find_experiment("e");
  for (int i = 0; i < 2'000; ++i) {
    user_attributes u{std::to_string(i), "", -1};
    CAF_REQUIRE_EQUAL(set.is_on("t", u), is_on(t, u));
    CAF_REQUIRE(set.assign("e", u) == assign(e, u));
  }
}
