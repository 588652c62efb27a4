#include "runtime/supervision/supervision_board.hpp"

#include <functional>
#include <set>

namespace griddle::supervision {

supervision_board& supervision_board::global() {
  static auto* instance = new supervision_board;
  return *instance;
}

void supervision_board::publish(supervisor_report r) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto id = r.actor;
  reports_[id] = std::move(r);
}

void supervision_board::withdraw(uint64_t actor) {
  std::lock_guard<std::mutex> guard{mtx_};
  reports_.erase(actor);
}

std::vector<supervisor_tree> supervision_board::trees() const {
  std::map<uint64_t, supervisor_report> reports;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    reports = reports_;
  }
  std::set<uint64_t> nested_ids;
  for (auto& [id, r] : reports)
    for (auto& c : r.children)
      if (c.actor != 0 && c.actor != id && reports.count(c.actor) != 0)
        nested_ids.insert(c.actor);
  // `seen` guards against a cycle in reports published at different times.
  std::set<uint64_t> seen;
  std::function<supervisor_tree(const supervisor_report&)> build;
  build = [&](const supervisor_report& r) {
    seen.insert(r.actor);
    supervisor_tree t{r, {}};
    for (auto& c : r.children) {
      std::vector<supervisor_tree> sub;
      auto i = reports.find(c.actor);
      if (c.actor != 0 && i != reports.end() && seen.count(c.actor) == 0)
        sub.push_back(build(i->second));
      t.nested.push_back(std::move(sub));
    }
    return t;
  };
  std::vector<supervisor_tree> result;
  for (auto& [id, r] : reports)
    if (nested_ids.count(id) == 0)
      result.push_back(build(r));
  return result;
}

}  // namespace griddle::supervision
