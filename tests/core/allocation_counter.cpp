#include "allocation_counter.hpp"

#include <cstdlib>
#include <new>

namespace {
// Not atomic: the tests run on one thread.
std::size_t allocations = 0;
int counters_alive = 0;

void* allocate(std::size_t size) {
  if (counters_alive > 0) ++allocations;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc{};
}
}  // namespace

// Every form that pairs with the plain deletes below is replaced, nothrow ones included
// (Catch2 uses them): a new from one allocator freed by another is what ASan reports.
void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete(void* memory, const std::nothrow_t&) noexcept { std::free(memory); }
void operator delete[](void* memory, const std::nothrow_t&) noexcept { std::free(memory); }

namespace trickle::testing {

allocation_counter::allocation_counter() noexcept {
  if (counters_alive++ == 0) allocations = 0;
}
allocation_counter::~allocation_counter() { --counters_alive; }
std::size_t allocation_counter::count() const noexcept { return allocations; }

}  // namespace trickle::testing
