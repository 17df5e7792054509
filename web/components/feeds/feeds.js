// My feeds: the signed-in user's iCalendar feeds, with revoke. A feed's URL is shown once,
// when it is made (in the calendar); here it can only be revoked, which is final.
import * as api from "../../api.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { dateTime } from "../../format.js";
import { toast } from "../forms/toast.js";

export class FeedsView {
  constructor() {
    this.title = "My feeds";
    this.list = h("div.feed-list", {});
    this.element = h("section.page.feeds", {},
      h("h1", {}, "My calendar feeds"),
      h("p.hint", {}, "Calendar apps subscribed to these feeds read the shared calendar through "
        + "them. Revoke a feed you no longer use: its address stops working at once. Make new "
        + "feeds from the calendar's Subscribe button."),
      this.list);
  }

  async show() {
    try {
      const feeds = await withLoading(this.list, api.myFeeds(), "Loading feeds…");
      this.render(feeds);
    } catch (error) {
      clear(this.list, errorBox(error));
    }
  }

  render(feeds) {
    if (!feeds.length) {
      clear(this.list, empty("You have no calendar feeds yet."));
      return;
    }
    clear(this.list, h("table.data-table", { dataset: { testid: "feeds" } },
      h("thead", {}, h("tr", {}, ["Name", "Shows", "Made", "State", ""].map((text) =>
        h("th", { scope: "col" }, text)))),
      h("tbody", {}, feeds.map((feed) => this.row(feed)))));
  }

  row(feed) {
    const error = h("span.field-error", { role: "alert" });
    const action = feed.revoked ? null : h("button.secondary.danger", { type: "button",
      "aria-label": `Revoke ${feed.name}`,
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        try {
          const answer = await api.revokeFeed(feed.id, feed.version);
          if (answer.userErrors.length) {
            error.textContent = answer.userErrors.map((e) => e.message).join(" ");
            event.currentTarget.disabled = false;
            return;
          }
          toast(`Feed “${feed.name}” revoked.`);
          await this.show();
        } catch (failure) {
          error.textContent = failure.message;
        }
      } }, "Revoke");
    return h("tr", { dataset: { testid: "feed-row" } },
      h("td", { dataset: { label: "Name" } }, feed.name),
      h("td", { dataset: { label: "Shows" } }, feed.filterDescription || "Everything"),
      h("td", { dataset: { label: "Made" } }, dateTime(feed.createdAt)),
      h("td", { dataset: { label: "State" } }, feed.revoked ? "Revoked" : "Active"),
      h("td", {}, action, error));
  }
}
