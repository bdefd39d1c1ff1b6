// Starting a workshop: when the facilitator chooses the group, the first
// model choice ("the one the group used last") names that group's model at
// once. Without this script the choice still works: the service picks the
// model when the form is sent (workshops/forms.py, WorkshopForm).
const form = document.querySelector("form[data-last-used]");
const team = form && form.querySelector("select[name=team]");
const lastUsed = form && form.querySelector("input[name=model][value='']");
const label = lastUsed && form.querySelector(`label[for='${lastUsed.id}']`);
if (team && label) {
  const labels = JSON.parse(form.dataset.lastUsed);
  const unknown = label.textContent;
  team.addEventListener("change", () => {
    label.textContent = labels[team.value] || unknown;
  });
}
