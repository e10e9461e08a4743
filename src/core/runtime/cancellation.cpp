#include "core/runtime/cancellation.hpp"

namespace trickle {

bool stop_registration::attach(stop_token token, callback on_stop, void* context) noexcept {
  detach();
  if (!token.stop_possible()) return true;
  if (token.stop_requested()) return false;
  on_stop_ = on_stop;
  context_ = context;
  token.source_->registrations_.push_back(*this);
  return true;
}

bool stop_source::request_stop() noexcept {
  if (stopped_) return false;
  stopped_ = true;
  // Each registration is unlinked before its callback runs, so a callback may freely detach
  // others (or itself) without disturbing this loop.
  while (stop_registration* registration = registrations_.pop_front()) {
    registration->on_stop_(registration->context_);
  }
  return true;
}

}  // namespace trickle
