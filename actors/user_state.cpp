#include "actors/user_state.hpp"

#include "actors/events.hpp"

namespace griddle::actors {

namespace {

/// Sets `field` from `data` when present.
template <class T>
void take(const nlohmann::json& data, const char* key, T& field) {
  if (auto i = data.find(key); i != data.end())
    field = i->get<T>();
}

}  // namespace

void user_state::apply(const std::string& type, const nlohmann::json& data) {
  if (type == events::user_registered) {
    registered = true;
    take(data, "email", email);
    take(data, "password_hash", password_hash);
    take(data, "registered_ms", registered_ms);
  }
  // Registration carries every profile field, an update only the changed ones.
  if (type == events::user_registered || type == events::profile_updated) {
    take(data, "name", name);
    take(data, "birth_year", birth_year);
    take(data, "city", city);
    take(data, "bio", bio);
    take(data, "looking_for", looking_for);
  } else if (type == events::user_blocked) {
    blocked.insert(data.at("target").get<std::string>());
  } else if (type == events::user_unblocked) {
    blocked.erase(data.at("target").get<std::string>());
  } else if (type == events::photo_added) {
    photos.push_back({data.at("photo_id").get<std::string>(), data.at("url").get<std::string>()});
  } else if (type == events::fan_added) {
    fans.insert(data.at("fan").get<std::string>());
  } else if (type == events::fan_removed) {
    fans.erase(data.at("fan").get<std::string>());
  }
}

profile user_state::view(const std::string& id) const {
  return {id, name, birth_year, city, bio, looking_for, photos};
}

nlohmann::json user_state::changes(const profile_update& update) const {
  auto result = nlohmann::json::object();
  if (update.name && *update.name != name)
    result["name"] = *update.name;
  if (update.birth_year && *update.birth_year != birth_year)
    result["birth_year"] = *update.birth_year;
  if (update.city && *update.city != city)
    result["city"] = *update.city;
  if (update.bio && *update.bio != bio)
    result["bio"] = *update.bio;
  if (update.looking_for && *update.looking_for != looking_for)
    result["looking_for"] = *update.looking_for;
  return result;
}

nlohmann::json user_state::to_json() const {
  auto photo_list = nlohmann::json::array();
  for (auto& p : photos)
    photo_list.push_back({{"photo_id", p.photo_id}, {"url", p.url}});
  return {{"registered", registered},
          {"email", email},
          {"password_hash", password_hash},
          {"name", name},
          {"birth_year", birth_year},
          {"city", city},
          {"bio", bio},
          {"looking_for", looking_for},
          {"registered_ms", registered_ms},
          {"blocked", blocked},
          {"photos", photo_list},
          {"fans", fans}};
}

user_state user_state::from_json(const nlohmann::json& doc) {
  user_state st;
  take(doc, "registered", st.registered);
  take(doc, "email", st.email);
  take(doc, "password_hash", st.password_hash);
  take(doc, "name", st.name);
  take(doc, "birth_year", st.birth_year);
  take(doc, "city", st.city);
  take(doc, "bio", st.bio);
  take(doc, "looking_for", st.looking_for);
  take(doc, "registered_ms", st.registered_ms);
  take(doc, "blocked", st.blocked);
  take(doc, "fans", st.fans);
  if (auto i = doc.find("photos"); i != doc.end())
    for (auto& p : *i)
      st.photos.push_back({p.at("photo_id").get<std::string>(), p.at("url").get<std::string>()});
  return st;
}

}  // namespace griddle::actors
