// Progressive enhancement with GOV.UK's accessible autocomplete (served from its package under
// /vendor/accessible-autocomplete/). Without JavaScript the form keeps its plain fields: a text input that takes a
// council's name or code, and selects. Kept in a file: the Content Security Policy allows no inline scripts of ours.
//
// - <input data-autocomplete="areas" data-source="/api/v1/areas/search">: suggestions from the JSON endpoint as
//   someone types; the value sent is what the input holds ("St. Helens (E08000013)"), which the server reads as the
//   council's code, or a name typed without choosing, which it matches as a name.
// - <select data-autocomplete="select">: the select's options, typed to filter.
(function () {
  'use strict';
  var aa = window.accessibleAutocomplete;
  if (!aa) return;

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function inputValue(a) {
    return !a ? '' : typeof a === 'string' ? a : a.name + ' (' + a.code + ')';
  }

  document.querySelectorAll('input[data-autocomplete="areas"]').forEach(function (input) {
    var source = input.getAttribute('data-source') || '/api/v1/areas/search';
    var wrapper = document.createElement('div');
    input.parentNode.insertBefore(wrapper, input);
    var timer;
    var asked = 0;
    aa({
      element: wrapper,
      id: input.id,
      name: input.name,
      defaultValue: input.value,
      minLength: 2,
      autoselect: true,
      confirmOnBlur: false,
      showNoOptionsFound: true,
      tNoResults: function () {
        return 'No council found: check the spelling, or enter its code';
      },
      source: function (query, populate) {
        clearTimeout(timer);
        var mine = ++asked;
        timer = setTimeout(function () {
          fetch(source + '?q=' + encodeURIComponent(query) + '&limit=10', { headers: { accept: 'application/json' } })
            .then(function (r) {
              return r.ok ? r.json() : { areas: [] };
            })
            .then(function (body) {
              if (mine === asked) populate(body.areas || []);
            })
            .catch(function () {
              if (mine === asked) populate([]);
            });
        }, 120);
      },
      templates: {
        inputValue: inputValue,
        suggestion: function (a) {
          return typeof a === 'string'
            ? escapeHtml(a)
            : escapeHtml(a.name) + ' <span class="app-autocomplete__code">' + escapeHtml(a.code + ', ' + a.typeName) + '</span>';
        },
      },
    });
    input.remove();
  });

  document.querySelectorAll('select[data-autocomplete="select"]').forEach(function (select) {
    aa.enhanceSelectElement({ selectElement: select, defaultValue: '', showAllValues: true });
  });
})();
