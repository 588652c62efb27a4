// griddle-store-writer PATH WRITERS: appends to the SQLite event store at PATH
// from WRITERS threads until it is killed; the store_durability suite kills it
// with SIGKILL and checks that every acknowledged event survived.
//
// Thread i appends one event at a time to stream `w<i>`, continuing from the
// stream's current version, so event n of a stream has version n, event_id
// "w<i>-<n>" and payload {"n":n}. Each acknowledged append prints
// `ack <stream> <version> <position>` on stdout with one write(2) before the
// next append of that stream is sent, so a printed line means a durable event.
//
// Exit status: 2 on bad arguments or when the store does not open, 3 when an
// append fails; otherwise it never exits on its own.
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/error.hpp>

#include "runtime/store/sqlite_event_store.hpp"

using namespace griddle::store;

namespace {

std::mutex stdout_mtx;

/// Writes all of `line` to stdout, retrying short writes.
void print_line(const std::string& line) {
  std::lock_guard<std::mutex> guard{stdout_mtx};
  size_t done = 0;
  while (done < line.size()) {
    auto n = write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      std::_Exit(3);
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void fail(int status, const std::string& what) {
  std::fprintf(stderr, "griddle-store-writer: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(status);
}

/// Appends to `stream` forever, one acknowledged event at a time.
void run_stream(sqlite_event_store& es, std::string stream, uint64_t version) {
  for (;;) {
    auto n = version + 1;
    event_data event;
    event.type = "written";
    event.payload = "{\"n\":" + std::to_string(n) + "}";
    event.event_id = stream + "-" + std::to_string(n);
    auto acked = std::make_shared<std::promise<uint64_t>>();
    auto next = acked->get_future();
    es.append(stream, version, {std::move(event)},
              [stream, acked](caf::expected<append_result> res) {
                if (!res)
                  fail(3, "append to " + stream + " failed: " + to_string(res.error()));
                print_line("ack " + stream + " " + std::to_string(res->version) + " " +
                           std::to_string(res->last_position) + "\n");
                acked->set_value(res->version);
              });
    version = next.get();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3)
    fail(2, "usage: griddle-store-writer PATH WRITERS");
  char* end = nullptr;
  auto writers = std::strtol(argv[2], &end, 10);
  if (*argv[1] == '\0' || end == argv[2] || *end != '\0' || writers < 1 || writers > 64)
    fail(2, std::string{"WRITERS must be a number in [1, 64], got '"} + argv[2] + "'");
  sqlite_options options;
  options.path = argv[1];
  auto es = sqlite_event_store::open(options);
  if (!es)
    fail(2, "cannot open " + options.path + ": " + to_string(es.error()));
  std::vector<std::thread> threads;
  for (long i = 0; i < writers; ++i) {
    auto stream = "w" + std::to_string(i);
    auto version = (*es)->stream_version(stream);
    if (!version)
      fail(2, "cannot read the version of " + stream + ": " + to_string(version.error()));
    threads.emplace_back(run_stream, std::ref(**es), std::move(stream), *version);
  }
  for (auto& thread : threads)
    thread.join();
}
