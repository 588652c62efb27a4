#include "bench/seed/seed_command.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include <caf/error.hpp>

#include "bench/seed/append_window.hpp"
#include "bench/seed/dataset.hpp"
#include "bench/seed/options.hpp"
#include "bench/seed/progress_bar.hpp"
#include "bench/seed/seed_password.hpp"
#include "runtime/store/memory_event_store.hpp"
#include "runtime/store/sqlite_event_store.hpp"

namespace griddle::bench {

const char* const seed_usage =
    "griddle-bench seed --store=sqlite:PATH|memory --users=N [--messages=N] [--likes=N]\n"
    "                   [--visits=N] [--favourites=N] [--seed=N] [--zipf=X] [--days=N]\n"
    "                   [--first-id=N] [--batch=N] [--window=N] [--sync=normal|full]\n"
    "                   [--append]\n"
    "\n"
    "Writes a reproducible dating-site dataset into an event store: N users (ids\n"
    "first-id.., default 1, all with the password \"seed-password-1\"), likes,\n"
    "favourites, profile visits and messages over --days (default 30) from\n"
    "2026-01-01, targets drawn by popularity (Zipf exponent --zipf, default 1.0).\n"
    "The same options and --seed (default 42) give the same events.\n"
    "  --store    sqlite:PATH (created when missing) or memory (a dry run)\n"
    "  --append   write into a store that already holds events (refused otherwise)\n"
    "  --batch    most appends per SQLite transaction (default 65536)\n"
    "  --window   most appends in flight (default 131072)\n"
    "  --sync     SQLite synchronous level: normal (default; survives a crash of\n"
    "             the program, not of the machine) or full\n";

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct seed_options {
  seed_parameters params;
  std::string store;
  // Large transactions amortise the index pages and WAL checkpoints each
  // commit writes: the full benchmark dataset took 82 s with 1,024 appends
  // per transaction, 43-50 s with 16,384 and 38-43 s with 65,536.
  size_t batch = 65536;
  size_t window = 131072;
  store::sqlite_synchronous sync = store::sqlite_synchronous::normal;
  bool append = false;
};

seed_options parse(const std::vector<std::string>& args) {
  option_list opts{args,
                   {"store", "users", "messages", "likes", "visits", "favourites", "seed", "zipf",
                    "days", "first-id", "batch", "window", "sync"},
                   {"append"}};
  seed_options x;
  x.store = opts.text("store");
  if (x.store.empty())
    throw usage_error("--store is required (sqlite:PATH or memory)");
  if (x.store != "memory" && (x.store.rfind("sqlite:", 0) != 0 || x.store.size() == 7))
    throw usage_error("--store must be sqlite:PATH or memory, got '" + x.store + "'");
  if (!opts.has("users"))
    throw usage_error("--users is required");
  auto& p = x.params;
  p.users = opts.integer("users", 0);
  p.messages = opts.integer("messages", 0);
  p.likes = opts.integer("likes", 0);
  p.visits = opts.integer("visits", 0);
  p.favourites = opts.integer("favourites", 0);
  p.seed = opts.integer("seed", p.seed);
  p.zipf = opts.real("zipf", p.zipf);
  p.days = static_cast<uint32_t>(opts.integer("days", p.days, 1, max_seed_days));
  p.first_id = opts.integer("first-id", p.first_id, 1);
  if (auto problem = check_parameters(p); !problem.empty())
    throw usage_error(problem);
  x.batch = opts.integer("batch", x.batch, 1, 1'000'000);
  x.window = opts.integer("window", x.window, 1, 10'000'000);
  auto sync = opts.text("sync", "normal");
  if (sync == "full")
    x.sync = store::sqlite_synchronous::full;
  else if (sync != "normal")
    throw usage_error("--sync must be normal or full, got '" + sync + "'");
  x.append = opts.has("append");
  return x;
}

/// The store `x.store` names, or nothing after printing why.
std::unique_ptr<store::event_store> open_store(const seed_options& x) {
  if (x.store == "memory")
    return std::make_unique<store::memory_event_store>();
  store::sqlite_options opts;
  opts.path = x.store.substr(7);
  opts.max_batch = x.batch;
  opts.synchronous = x.sync;
  auto opened = store::sqlite_event_store::open(std::move(opts));
  if (!opened) {
    std::fprintf(stderr, "griddle-bench seed: cannot open %s: %s\n", x.store.c_str(),
                 caf::to_string(opened.error()).c_str());
    return nullptr;
  }
  return std::move(*opened);
}

void print_summary(const seed_options& x, const seed_counts& n, uint64_t transactions,
                   double plan_s, double write_s, double total_s) {
  const auto& p = x.params;
  auto rate = total_s > 0 ? static_cast<uint64_t>(static_cast<double>(n.events()) / total_s) : 0;
  std::printf("seeded %s: seed %llu, zipf %g, %u days from 2026-01-01\n", x.store.c_str(),
              static_cast<unsigned long long>(p.seed), p.zipf, p.days);
  std::printf("  users        %12s  (ids %llu..%llu, password \"%s\")\n",
              with_commas(n.users).c_str(), static_cast<unsigned long long>(p.first_id),
              static_cast<unsigned long long>(p.first_id + p.users - 1), seed_password);
  std::printf("  likes        %12s\n", with_commas(n.likes).c_str());
  std::printf("  favourites   %12s  (and as many fan_added)\n", with_commas(n.favourites).c_str());
  std::printf("  visits       %12s\n", with_commas(n.visits).c_str());
  std::printf("  messages     %12s  in %s conversations\n", with_commas(n.messages).c_str(),
              with_commas(n.conversations).c_str());
  std::printf("  events       %12s  in %s appends, %s transactions\n",
              with_commas(n.events()).c_str(), with_commas(n.appends).c_str(),
              with_commas(transactions).c_str());
  std::printf("  elapsed      %12.1f s  (planning %.1f s, writing %.1f s): %s events/s\n", total_s,
              plan_s, write_s, with_commas(rate).c_str());
}

}  // namespace

int run_seed(const std::vector<std::string>& args) {
  auto x = parse(args);
  auto started = clock_type::now();
  auto store = open_store(x);
  if (!store)
    return 1;
  if (!x.append) {
    auto first = store->read_all(1, 1);
    if (!first) {
      std::fprintf(stderr, "griddle-bench seed: cannot read %s: %s\n", x.store.c_str(),
                   caf::to_string(first.error()).c_str());
      return 1;
    }
    if (!first->empty()) {
      std::fprintf(stderr,
                   "griddle-bench seed: %s already holds events; pass --append to add the "
                   "dataset anyway\n",
                   x.store.c_str());
      return 1;
    }
  }
  auto total = total_events(x.params);
  std::fprintf(stderr, "planning %s events (seed %llu)...\n", with_commas(total).c_str(),
               static_cast<unsigned long long>(x.params.seed));
  dataset data{x.params, seed_password_hash(seed_password, x.params.seed)};
  auto plan_s = seconds_since(started);
  std::fprintf(stderr, "writing to %s...\n", x.store.c_str());
  auto writing = clock_type::now();
  std::string failure;
  {
    append_window window{*store, x.window};
    progress_bar bar{total, [&window] { return window.acknowledged_events(); }};
    seed_append next;
    while (data.next(next))
      if (!window.append(std::move(next)))
        break;
    failure = window.finish();
    bar.stop();
  }
  auto transactions = store->stats().transactions;
  // Closing the SQLite store checkpoints its WAL into the database file.
  store.reset();
  auto write_s = seconds_since(writing);
  if (!failure.empty()) {
    std::fprintf(stderr, "griddle-bench seed: %s\n", failure.c_str());
    return 1;
  }
  print_summary(x, data.counts(), transactions, plan_s, write_s, seconds_since(started));
  return 0;
}

}  // namespace griddle::bench
