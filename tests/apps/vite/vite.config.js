// Vite's dev server pre-bundles dependencies into node_modules/.vite/deps/ and leaves their
// assets behind, so trickle's `new URL('./trickle-wasm.wasm', import.meta.url)` would point
// at a file that is not there. Served as it is installed, trickle finds its .wasm. (Builds
// are not affected: `vite build` ships the .wasm either way.)
import { defineConfig } from 'vite';

export default defineConfig({
  optimizeDeps: { exclude: ['trickle'] },
});
