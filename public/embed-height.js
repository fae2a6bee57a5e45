// Tells the page that frames this embed how tall the embed is, so the host can size the iframe to fit (no inner
// scrolling, nothing clipped). The host listens with the snippet shown beside the embed code (docs/EMBEDS.md). Only
// the height is sent: nothing about the visitor. Kept in a file: the Content Security Policy allows no inline scripts.
(function () {
  'use strict';
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'sli-embed-height', height: height }, '*');
  }
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
  window.addEventListener('load', send);
  window.addEventListener('resize', send);
  document.addEventListener('toggle', send, true);
  send();
})();
