// PRAP Tracker – keep keyboard focus clear of the roadmap grid's sticky workstream column.
//
// On a screen wide enough for the workstream column to stay in place (position: sticky), a
// grid with more quarters than fit scrolls sideways inside .prap-grid-scroll. The CSS
// `scroll-padding-left` makes the browser scroll a focused link that is out of view clear of
// that column; a link that is already partly in view is not scrolled by the browser, and its
// start may sit under the column. This moves it clear too (WCAG 2.2, 2.4.11 Focus Not
// Obscured). Loaded as an external module (CSP: no inline scripts); without it the CSS alone
// still keeps every focused link at least partly visible.
const GAP = 8; // CSS px between the column and the focused element

function clearOfColumn(grid, element) {
  const corner = grid.querySelector(".prap-grid__corner");
  if (!corner || getComputedStyle(corner).position !== "sticky") return;
  const covered = corner.getBoundingClientRect().right + GAP - element.getBoundingClientRect().left;
  if (covered > 0) grid.scrollLeft -= covered;
}

for (const grid of document.querySelectorAll(".prap-grid-scroll")) {
  grid.addEventListener("focusin", (event) => {
    if (event.target === grid) return;
    // After the browser's own scrolling into view, which follows the focus event.
    requestAnimationFrame(() => clearOfColumn(grid, event.target));
  });
}
