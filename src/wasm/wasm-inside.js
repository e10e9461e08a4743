// Appended to the glue linked with -sSINGLE_FILE (the single-file page's), whose .wasm is
// inside it as base64: src/js/stream/native.mjs reads this mark and lets the glue
// instantiate what it carries, rather than fetching the .wasm file.
createNativeModule.wasmInside = true;
