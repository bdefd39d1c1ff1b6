// The admin's autocomplete boxes (select2) show what is chosen in an element
// with role="textbox" that has no name of its own, so a screen reader reads
// an empty row's box as an unnamed field: give each the name of the select
// it stands for (core/admin.py gives every inline input its column's name).
// New rows ("Add another") are named as they appear.
(() => {
  function nameBoxes() {
    for (const box of document.querySelectorAll(
      '.select2-selection__rendered[role="textbox"]:not([aria-label])',
    )) {
      const select = document.getElementById(box.id.replace(/^select2-/, "").replace(/-container$/, ""));
      const name = select && select.getAttribute("aria-label");
      if (name) box.setAttribute("aria-label", name);
    }
  }

  new MutationObserver(nameBoxes).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  nameBoxes();
})();
