#include "bench/load/load_command.hpp"

#include <cstdio>
#include <iostream>

#include "bench/load/load_run.hpp"
#include "bench/load/sessions.hpp"
#include "bench/seed/options.hpp"

namespace griddle::bench {

const char* const load_usage =
    "griddle-bench load [--url=http://127.0.0.1:8080] [--rate=R | --closed] [--duration=S]\n"
    "                   [--warmup=S] [--connections=C] [--threads=T] [--pipeline=N]\n"
    "                   [--mix=feed=70,profile=10,... | --mix-file=F] [--zipf=X] [--seed=N]\n"
    "                   [--users=N (--db=PATH | --tokens=FILE)] [--save-tokens=FILE]\n"
    "                   [--password=P] [--login-concurrency=K] [--json]\n"
    "\n"
    "Loads Griddle's HTTP API on the loopback interface and reports latency\n"
    "percentiles per request kind, the achieved rate and the errors.\n"
    "\n"
    "Open loop (default): request k is due at start + k/R (R default 1000/s) and\n"
    "its latency runs from that due time to the end of its response, so time a\n"
    "request waits for a free connection counts. --closed: each connection sends\n"
    "its next request when the previous answer arrives (latency from sending).\n"
    "Runs --warmup (default 1 s, not counted) plus --duration (default 10 s),\n"
    "then at most 5 s more for outstanding requests (then counted as timeouts).\n"
    "--connections (default 16) keep-alive connections over --threads (default\n"
    "1); --pipeline N allows N requests in flight per connection (default 1).\n"
    "\n"
    "Mix (weights; default feed=70,profile=10,messages=10,visitors=5,online=5):\n"
    "  feed      GET /v1/feed?limit=20\n"
    "  profile   GET /v1/users/{other}  (records a visit: a write on the first\n"
    "            visit per visitor and day)\n"
    "  messages  GET /v1/conversations/{other}/messages?limit=20\n"
    "  visitors  GET /v1/visitors            online  GET /v1/online\n"
    "  send      POST /v1/conversations/{other}/messages (a write)\n"
    "  like      POST /v1/users/{other}/like (a write)\n"
    "  healthz   GET /healthz (no session)\n"
    "--mix-file: one 'name weight' per line, # comments. The sender is one of\n"
    "the signed-in users, {other} another, both Zipf-distributed (--zipf,\n"
    "default 1.0; 0 uniform; user 1 most active).\n"
    "\n"
    "Sessions: --users N signs in seeded users 1..N, their emails read from the\n"
    "seeded SQLite store --db (password --password, default seed-password-1),\n"
    "--login-concurrency (default 8) at once; or --tokens FILE ('user_id token'\n"
    "lines, the first N with --users). --save-tokens FILE keeps them.\n"
    "\n"
    "--json: the results as one JSON document on stdout (progress on stderr).\n";

namespace {

load::load_options parse(const option_list& opts) {
  load::load_options o;
  o.target = load::target_url::parse(opts.text("url", "http://127.0.0.1:8080"));
  o.closed = opts.has("closed");
  if (o.closed && opts.has("rate"))
    throw usage_error("--rate and --closed exclude each other");
  o.rate = opts.real("rate", o.rate);
  o.duration = opts.real("duration", o.duration);
  o.warmup = opts.real("warmup", o.warmup);
  o.connections = opts.integer("connections", o.connections, 1, 100'000);
  o.threads = opts.integer("threads", o.threads, 1, 1024);
  o.pipeline = opts.integer("pipeline", o.pipeline, 1, 1024);
  if (opts.has("mix") && opts.has("mix-file"))
    throw usage_error("--mix and --mix-file exclude each other");
  if (opts.has("mix"))
    o.mix = load::request_mix::parse_flags(opts.text("mix"));
  else if (opts.has("mix-file"))
    o.mix = load::request_mix::read_file(opts.text("mix-file"));
  o.zipf = opts.real("zipf", o.zipf);
  o.seed = opts.integer("seed", o.seed);
  if (opts.has("db") && opts.has("tokens"))
    throw usage_error("--db and --tokens exclude each other");
  if (opts.has("users") && !opts.has("db") && !opts.has("tokens"))
    throw usage_error("--users needs --db (to sign in) or --tokens");
  if (opts.has("db") && !opts.has("users"))
    throw usage_error("--db needs --users");
  return o;
}

}  // namespace

int run_load_command(const std::vector<std::string>& args) {
  option_list opts{
      args,
      {"url", "rate", "duration", "warmup", "connections", "threads", "pipeline", "mix", "mix-file",
       "zipf", "seed", "users", "db", "tokens", "save-tokens", "password", "login-concurrency"},
      {"closed", "json"}};
  auto o = parse(opts);
  auto json = opts.has("json");
  auto* log = json ? stderr : stdout;
  auto users = opts.integer("users", 0, 1, 10'000'000);
  load::validate_settings(o);
  if (opts.has("tokens")) {
    o.sessions = load::read_tokens(opts.text("tokens"), users);
  } else if (opts.has("db")) {
    auto creds = load::read_seeded_users(opts.text("db"), users);
    o.sessions = load::sign_in(o.target, creds, opts.text("password", "seed-password-1"),
                               opts.integer("login-concurrency", 8, 1, 1024), log);
  }
  if (opts.has("save-tokens"))
    load::write_tokens(opts.text("save-tokens"), o.sessions);
  load::validate(o);
  o.progress = log;
  auto results = load::run_load(o);
  if (json)
    std::cout << load::results_json(results, load::describe(o)).dump(2) << std::endl;
  else
    load::print_results(stdout, results, load::describe(o));
  return 0;
}

}  // namespace griddle::bench
