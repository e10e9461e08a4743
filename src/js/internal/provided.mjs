// Modules that trickle imports on first use with import(), handed over up front where
// import() is refused: the HTML specification forbids it in a Service Worker, whose modules
// must all be imported statically (trickle/service-worker does that, and calls provide()).
// Everywhere else nothing is provided and the import() happens on first use.
const modules = new Map();

/** Hands over `module`, imported statically, as the lazily imported module `name`. */
export function provide(name, module) {
  modules.set(name, module);
}

/** The module `name` if it was handed over, else what `importIt()` (an import()) resolves to. */
export async function lazyModule(name, importIt) {
  return modules.get(name) ?? importIt();
}
