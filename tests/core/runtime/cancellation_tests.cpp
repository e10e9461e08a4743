#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/runtime/cancellation.hpp"

using namespace trickle;

namespace {

struct recorder {
  std::vector<std::string>* log;
  std::string name;
  static void on_stop(void* self) noexcept {
    auto& r = *static_cast<recorder*>(self);
    r.log->push_back(r.name);
  }
};

}  // namespace

TEST_CASE("a default token can never stop, and registering on it is accepted and never called") {
  stop_token token;
  CHECK_FALSE(token.stop_possible());
  CHECK_FALSE(token.stop_requested());
  std::vector<std::string> log;
  recorder r{&log, "never"};
  stop_registration registration;
  CHECK(registration.attach(token, &recorder::on_stop, &r));
  CHECK_FALSE(registration.is_attached());
}

TEST_CASE("request_stop runs each registered callback once, in registration order") {
  stop_source source;
  std::vector<std::string> log;
  recorder first{&log, "first"}, second{&log, "second"};
  stop_registration a, b;
  REQUIRE(a.attach(source.token(), &recorder::on_stop, &first));
  REQUIRE(b.attach(source.token(), &recorder::on_stop, &second));
  CHECK(source.request_stop());
  CHECK_FALSE(source.request_stop());  // once and for all
  CHECK(log == std::vector<std::string>{"first", "second"});
  CHECK(source.token().stop_requested());
  CHECK_FALSE(a.is_attached());
}

TEST_CASE("a detached or destroyed registration is not called") {
  stop_source source;
  std::vector<std::string> log;
  recorder kept{&log, "kept"}, detached{&log, "detached"}, destroyed{&log, "destroyed"};
  stop_registration keep, detach;
  REQUIRE(keep.attach(source.token(), &recorder::on_stop, &kept));
  REQUIRE(detach.attach(source.token(), &recorder::on_stop, &detached));
  {
    stop_registration gone;
    REQUIRE(gone.attach(source.token(), &recorder::on_stop, &destroyed));
  }
  detach.detach();
  source.request_stop();
  CHECK(log == std::vector<std::string>{"kept"});
}

TEST_CASE("attaching to a token that has already stopped registers nothing and says so") {
  stop_source source;
  source.request_stop();
  std::vector<std::string> log;
  recorder r{&log, "late"};
  stop_registration registration;
  CHECK_FALSE(registration.attach(source.token(), &recorder::on_stop, &r));
  CHECK(log.empty());
}

TEST_CASE("a linked source stops with its parent but stopping it leaves the parent running") {
  stop_source parent;
  linked_stop_source child_a{parent.token()}, child_b{parent.token()};
  child_a.request_stop();
  CHECK(child_a.stop_requested());
  CHECK_FALSE(parent.stop_requested());
  CHECK_FALSE(child_b.stop_requested());
  parent.request_stop();
  CHECK(child_b.stop_requested());

  SECTION("and a source linked to a parent that already stopped starts stopped") {
    linked_stop_source late{parent.token()};
    CHECK(late.stop_requested());
  }
}
