// Counts the allocations made through operator new while a counter is alive, so a test can
// say "this allocates nothing". The replacement operator new lives in
// allocation_counter.cpp and forwards to malloc, so the sanitizers still see everything.
#pragma once

#include <cstddef>

namespace trickle::testing {

class allocation_counter {
 public:
  allocation_counter() noexcept;
  ~allocation_counter();
  allocation_counter(const allocation_counter&) = delete;
  allocation_counter& operator=(const allocation_counter&) = delete;

  std::size_t count() const noexcept;
};

}  // namespace trickle::testing
