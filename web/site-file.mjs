// A file of the site, as text. The single-file page (scripts/bundle-page.mjs --embed) carries
// such files inside itself, because from a file:// URL fetch() is refused; everywhere else
// they are fetched like any other file.

/** Resolves to the text of `name` (relative to the page); rejects if it cannot be read. */
export async function readSiteFile(name, init) {
  const wanted = new URL(name, document.baseURI).href;
  for (const block of document.querySelectorAll('script[type="text/plain"][data-site-file]')) {
    if (new URL(block.dataset.siteFile, document.baseURI).href === wanted) return block.textContent;
  }
  const response = await fetch(name, init);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.text();
}
