// A "Copy the link" button beside a read-only link field: shown only where
// the browser can copy (the field can always be selected and copied by hand).
for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  if (!field || !status || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Link copied. Paste it wherever the group will see it.";
    } catch {
      field.select();
      status.textContent = "The link is selected: copy it with your keyboard or menu.";
    }
  });
}
