// Agenda editing: drag and drop with SortableJS (vendored), saved with htmx.
// The Up/Down buttons do the same without a mouse; without JavaScript they still work.
(function () {
  function initAgenda(root) {
    if (typeof Sortable === "undefined") return;
    root.querySelectorAll("ol[data-sortable]:not([data-disabled])").forEach(function (list) {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      Sortable.create(list, {
        handle: ".drag-handle",
        animation: 150,
        onEnd: function (event) {
          if (event.oldIndex === event.newIndex) return;
          var form = list.closest("form");
          // The hidden "order" inputs moved with their items: the form now posts the new order.
          if (form && window.htmx) window.htmx.trigger(form, "agenda-reordered");
          else if (form) form.submit();
        },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initAgenda(document); });
  document.addEventListener("htmx:load", function (event) { initAgenda(event.target); });
})();
