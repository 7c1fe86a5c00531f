// Small, CSP-friendly behaviours shared by every page (no inline scripts anywhere).
document.addEventListener("DOMContentLoaded", () => {
  // Open the main menu by default on wide screens; on phones it stays a disclosure.
  const menu = document.querySelector(".site-nav__menu");
  if (menu && window.matchMedia("(min-width: 48rem)").matches) menu.open = true;
  // Confirm destructive actions: <button data-confirm="Are you sure?">.
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
  });
  // Print buttons: <button data-print>.
  document.body.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
});
