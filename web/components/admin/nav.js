// Navigation links for administrators only, shown from the server's `viewerCan` answer.
import * as api from "../../api.js";

/** Show the header's `[data-admin]` links when the server says the user may use them. */
export function showAdminLinks(header) {
  const user = api.currentUser()?.id ?? "";
  if (header.dataset.adminLinksFor === user) return;
  header.dataset.adminLinksFor = user;
  const links = header.querySelectorAll("a[data-admin]");
  for (const link of links) link.hidden = true;
  api.viewerCan().then((can) => {
    for (const link of links) link.hidden = !can.manageExternalCalendars;
  }).catch(() => {});
}
