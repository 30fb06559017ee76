// "Print" buttons: shown only where JavaScript runs (the page says how to save it otherwise),
// and print the page as it is; the print stylesheet leaves out the service's header and links.
for (const button of document.querySelectorAll('[data-module="ecdop-print"]')) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
