// Copy buttons (templates/_copy.html). Without JavaScript the text is a read-only field to select and
// copy by hand; here a button beside it puts the text on the clipboard and says so. A module: however
// many fields a page has, this runs once.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copy + "-status");
  if (!field || !status || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.copied;
    } catch {
      field.focus(); // the browser refused: the text is selected, to copy by hand
    }
  });
}
for (const field of document.querySelectorAll("input.copy-text")) {
  field.addEventListener("focus", () => field.select());
}
