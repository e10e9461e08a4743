// One name for the coroutine support library, whichever standard library we build with.
//
// g++ ships C++20 <coroutine>. The libc++ bundled with Debian's Emscripten 3.1.6 only has
// the Coroutines TS header, <experimental/coroutine>, whose types live in
// std::experimental. The compiler feature is the same in both cases, so a namespace alias
// is all the rest of the code needs.
#pragma once

#if __has_include(<coroutine>)
#include <coroutine>
namespace trickle::coro {
using std::coroutine_handle;
using std::suspend_always;
using std::suspend_never;
}  // namespace trickle::coro
#else
#include <experimental/coroutine>
namespace trickle::coro {
using std::experimental::coroutine_handle;
using std::experimental::suspend_always;
using std::experimental::suspend_never;
}  // namespace trickle::coro
#endif
