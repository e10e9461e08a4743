// A classic script, so it runs even where module scripts cannot: it explains why the page
// did not start instead of leaving it at "loading" forever.
'use strict';
(function () {
  // From a file:// URL no module and no fetch() can load, so this page cannot work at all;
  // trickle.html, its single-file build next to it, can. Only a built site has it (the page
  // in web/, unbuilt, still has its build id placeholder): there, the message below says
  // what to do. replace(): Back leads to where the visitor came from, not to a page that
  // sends them on again.
  var build = document.querySelector('meta[name="trickle-build"]');
  var built = build !== null && build.content.indexOf('__') !== 0;
  if (location.protocol === 'file:' && built) {
    location.replace('trickle.html' + location.hash);
    return;
  }
  // The colour scheme the visitor chose on an earlier visit, before the first paint (theme.mjs
  // owns the switch; it runs later, as a module).
  try {
    var theme = localStorage.getItem('trickle.theme');
    if (theme === 'light' || theme === 'dark') document.documentElement.setAttribute('data-theme', theme);
  } catch (error) {
    // storage refused: the system's scheme
  }
  function showFailure() {
    document.getElementById('boot-failed').hidden = false;
    document.getElementById('module-status').hidden = true;
  }
  if (!('noModule' in HTMLScriptElement.prototype)) {
    showFailure();
    return;
  }
  var app = document.querySelector('script[type="module"][src="app.mjs"]');
  if (app) app.addEventListener('error', showFailure);
})();
