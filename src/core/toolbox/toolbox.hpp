// The seed's asyncio toolbox, for coroutines on one trickle::scheduler. One include for all.
//
//   asyncio                          trickle                                         header
//   -------------------------------  ----------------------------------------------  -----------------
//   async def f() / await f()        task<T> f(); co_await f()                       task.hpp
//   asyncio.create_task(coro)        create_task(sched, f()) -> task_handle<T>        task_handle.hpp
//   task.cancel() / task.cancelled() handle.cancel() / handle.cancelled()             task_handle.hpp
//   asyncio.shield(aw)               shield(handle), shield(sched, f())              task_handle.hpp
//   asyncio.gather(*aws)             when_all(f(), g()) / when_all(vector)           when_all.hpp
//     (errors: TaskGroup's rule)
//   asyncio.wait(tasks, return_when) wait(handles, return_when::...)                 wait.hpp
//   asyncio.as_completed(tasks)      as_completed(handles) (an async_generator)      wait.hpp
//   asyncio.wait_for / timeout       timeout(sched, d, f()), timeout_at(sched, t, f()) timeout.hpp
//   asyncio.TimeoutError             timeout_error                                   timeout.hpp
//   asyncio.CancelledError           operation_cancelled                     runtime/cancellation.hpp
//   asyncio.Lock()                   async_mutex{sched}                              async_mutex.hpp
//   asyncio.Semaphore(n)             async_semaphore{sched, n}                       async_semaphore.hpp
//   asyncio.Event()                  async_event{sched}                              async_event.hpp
//   asyncio.Queue(maxsize)           async_queue<T>{sched, capacity}                 async_queue.hpp
//   await asyncio.sleep(d)           co_await sched.sleep_for(d)                     scheduler.hpp
//   await asyncio.sleep(0)           co_await sched.yield()                          scheduler.hpp
//   asyncio.run(main())              the host's event loop calls sched.run_due();    scheduler.hpp
//                                    tests use run_until_idle(sched, virtual_clock)
//
// Cancellation underneath it all is a stop token per task (cancellation.hpp): every wait
// listens to the awaiting coroutine's token, leaves the timer heap or waiter list the moment
// a stop is requested, and throws operation_cancelled at the next turn of the scheduler.
// Not here: loop.run_in_executor (no threads in this build).
#pragma once

#include "core/runtime/async_generator.hpp"
#include "core/runtime/cancellation.hpp"
#include "core/runtime/sleep.hpp"
#include "core/toolbox/async_event.hpp"
#include "core/toolbox/async_mutex.hpp"
#include "core/toolbox/async_queue.hpp"
#include "core/toolbox/async_semaphore.hpp"
#include "core/toolbox/task.hpp"
#include "core/toolbox/task_handle.hpp"
#include "core/toolbox/timeout.hpp"
#include "core/toolbox/wait.hpp"
#include "core/toolbox/when_all.hpp"
