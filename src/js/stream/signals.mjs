// Every stream reading one AbortSignal shares one 'abort' listener: one listener each would
// make each addition cost more the more there are (EventTarget scans its listeners) and make
// Node warn past ten. A reader joins when it starts to listen and leaves when it ends; when
// the signal aborts, each reader's abort(reason) is called.
import { abortReason } from '../internal/checks.mjs';

const readersOf = new WeakMap(); // signal -> { readers: Set<StreamCore>, listener }

export function watchSignal(signal, core) {
  let watch = readersOf.get(signal);
  if (watch === undefined) {
    const readers = new Set();
    const listener = () => {
      readersOf.delete(signal);
      const reason = abortReason(signal);
      for (const reader of readers) reader.abort(reason);
      readers.clear();
    };
    watch = { readers, listener };
    readersOf.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  watch.readers.add(core);
}

export function unwatchSignal(signal, core) {
  const watch = readersOf.get(signal);
  if (watch === undefined || !watch.readers.delete(core) || watch.readers.size > 0) return;
  readersOf.delete(signal);
  signal.removeEventListener('abort', watch.listener);
}

