// A classic script, so it runs even where module scripts cannot: it explains why the page
// did not start instead of leaving it at "loading" forever. The usual cause is opening
// index.html from a file:// URL, where browsers refuse to load ES modules.
'use strict';
(function () {
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
