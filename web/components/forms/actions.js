// Create, edit and archive where the work is seen: the buttons under a node in the
// detail panel, shown from the server's `viewerCan` answers, and the forms they open.
// After a change the panel sends `tree-changed` (bubbling) so the explorer reloads the
// tree, then goes to the object: a new one opens with its trace, so the tree shows it
// under every key result it serves.
import * as api from "../../api.js";
import * as router from "../../router.js";
import { h, clear, errorBox } from "../../dom.js";
import { kindLabel, label } from "../../format.js";
import { Form, missing } from "./form.js";
import { AlignmentEditor } from "./alignments.js";
import { FIELDS, MUTATION, addDays, createInput, today, updateInput } from "./kinds.js";
import { toast } from "./toast.js";

let choicesLoading = null;
let rootLoading = null; // {user, promise}: what the signed-in user may create at the top

/** The root `viewerCan`, read once per signed-in user. */
function rootAbilities() {
  const user = api.currentUser()?.id;
  if (rootLoading?.user !== user) {
    rootLoading = { user, promise: api.viewerCan().catch((error) => {
      rootLoading = null;
      throw error;
    }) };
  }
  return rootLoading.promise;
}

/** Teams and people for the selects, read once per page. */
export function choices() {
  choicesLoading ??= api.formChoices().catch((error) => {
    choicesLoading = null;
    throw error;
  });
  return choicesLoading;
}

/** Forget the cached choices (the tree changed: a team or person may be new). */
export function forgetChoices() {
  choicesLoading = null;
}

/** The signed-in user's first team, the default owner of what they create. */
function myTeam(loaded) {
  return api.currentUser()?.teams[0] ?? loaded.teams[0];
}

function treeChanged(from) {
  forgetChoices();
  from.dispatchEvent(new CustomEvent("tree-changed", { bubbles: true }));
}

/** Go to a place; the same place is rendered again (the tree was reloaded). */
export function go(place) {
  const hash = router.format(place);
  if (hash === location.hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else router.navigate(place);
}

function openNode(id, trace = false) {
  const params = { ...router.parse().params };
  delete params.trace;
  if (trace) params.trace = "1";
  go({ view: "goals", id, params });
}

/** Archive `node` and offer Undo; the panel goes to `parentId` meanwhile. */
export async function archiveWithUndo(node, parentId, from) {
  const { object, userErrors } = await api.save(MUTATION[node.__typename].archive,
    { id: node.id, version: node.version });
  if (userErrors.length) return userErrors;
  treeChanged(from);
  const name = `${kindLabel(node.__typename)} “${label(node)}”`;
  toast(`${name} archived.`, {
    label: "Undo",
    run: async () => {
      try {
        const restored = await api.save("nodeUnarchive", { id: node.id, version: object.version });
        if (restored.userErrors.length) {
          toast(restored.userErrors.map((error) => error.message).join(" "));
          return;
        }
        treeChanged(document.querySelector(".explorer") ?? document.body);
        toast(`${name} restored.`);
        openNode(node.id);
      } catch (error) {
        toast(error.message);
      }
    },
  });
  openNode(parentId);
  return [];
}

function parentOf(node) {
  return node.parent?.id ?? node.goal?.id ?? node.campaign?.id ?? node.keyResult?.id ?? null;
}

/** The form that creates a `kind` under `links` ({goalId}, {campaignId}, ...). */
function createForm(kind, defaults, links, ctx, extra = {}) {
  const specs = FIELDS[kind](defaults, ctx.choices);
  const noun = kindLabel(kind).toLowerCase();
  return new Form({
    title: extra.title ?? `New ${noun}`,
    testid: `create-${kind}`,
    fields: specs,
    submit: extra.submit ?? `Create ${noun}`,
    onCancel: ctx.close,
    onSubmit: async (values) => {
      const errors = missing(values, specs);
      if (errors.length) return { userErrors: errors };
      const { object, userErrors } = await api.save(MUTATION[kind].create,
        createInput(values, links));
      if (userErrors.length) return { userErrors };
      treeChanged(ctx.element);
      toast(extra.done ?? `${kindLabel(kind)} created.`);
      if (kind === "SpendEntry" || kind === "ResultEntry") ctx.reload(extra.done);
      else openNode(object.id, true);
      return null;
    },
  });
}

/** A new campaign with its alignments: created, then aligned (two writes). */
function campaignForm(defaults, alignments, ctx) {
  const specs = FIELDS.Campaign(defaults, ctx.choices);
  const editor = new AlignmentEditor(alignments);
  let created = null; // kept when the campaign was made but its alignments were refused
  return new Form({
    title: "New campaign",
    testid: "create-Campaign",
    fields: specs,
    extra: [editor.element],
    submit: "Create campaign",
    onCancel: ctx.close,
    onSubmit: async (values) => {
      const checked = editor.check();
      const errors = [...(created ? [] : missing(values, specs)), ...checked.errors];
      if (errors.length) return { userErrors: errors };
      if (!created) {
        const made = await api.save("campaignCreate", createInput(values, {}));
        if (made.userErrors.length) return { userErrors: made.userErrors };
        created = made.object;
      }
      if (checked.alignments.length) {
        const aligned = await api.save("campaignSetAlignments", { id: created.id,
          version: created.version, alignments: checked.alignments });
        if (aligned.userErrors.length) {
          return { userErrors: [...aligned.userErrors, { field: null, message: "The campaign "
            + "was created; fix its alignments and save again." }] };
        }
      }
      treeChanged(ctx.element);
      toast("Campaign created.");
      openNode(created.id, true);
      return null;
    },
  });
}

function alignmentsForm(campaign, ctx) {
  const editor = new AlignmentEditor(campaign.alignments.map((a) => ({
    keyResultId: a.keyResult.id, share: a.share, title: a.keyResult.title,
    goalTitle: a.keyResult.goal?.title })));
  return new Form({
    title: "Key results it serves",
    testid: "edit-alignments",
    fields: [],
    extra: [editor.element],
    submit: "Save alignments",
    onCancel: ctx.close,
    onSubmit: async () => {
      const checked = editor.check();
      if (checked.errors.length) return { userErrors: checked.errors };
      const { userErrors } = await api.save("campaignSetAlignments", { id: campaign.id,
        version: campaign.version, alignments: checked.alignments });
      if (userErrors.length) return { userErrors };
      treeChanged(ctx.element);
      openNode(campaign.id, true);
      ctx.reload("Alignments saved.");
      return null;
    },
  });
}

function editForm(node, ctx) {
  const kind = node.__typename;
  const specs = FIELDS[kind](node, ctx.choices);
  const form = new Form({
    title: `Edit ${kindLabel(kind).toLowerCase()}`,
    testid: `edit-${kind}`,
    fields: specs,
    submit: "Save changes",
    onCancel: ctx.close,
    onSubmit: async (values) => {
      const errors = missing(values, specs);
      if (errors.length) return { userErrors: errors };
      const input = updateInput(node, values, before);
      if (Object.keys(input).length === 2) {
        return { userErrors: [{ field: null, message: "Nothing changed yet." }] };
      }
      const { userErrors } = await api.save(MUTATION[kind].update, input);
      if (userErrors.length) return { userErrors };
      treeChanged(ctx.element);
      go(router.parse());
      ctx.reload(`${kindLabel(kind)} saved.`);
      return null;
    },
  });
  const before = form.values();
  return form;
}

/** The buttons `node` offers the signed-in user, each opening its form. */
function buttons(node, can, root, ctx) {
  const kind = node.__typename;
  const open = (make) => () => ctx.open(make());
  const list = [];
  const add = (text, make, testid) => list.push(h("button.secondary", { type: "button",
    dataset: { action: testid }, onclick: open(make) }, text));
  const start = today();
  if (can.update) add(`Edit ${kindLabel(kind).toLowerCase()}`, () => editForm(node, ctx), "edit");
  if (kind === "Goal" && can.createChildren) {
    add("New key result", () => createForm("KeyResult", { dueDate: node.periodEnd,
      startValue: "0" }, { goalId: node.id }, ctx), "new-key-result");
    add("New child goal", () => createForm("Goal", { ownerTeam: node.ownerTeam,
      category: node.category, periodStart: node.periodStart, periodEnd: node.periodEnd },
    { parentId: node.id }, ctx, { title: "New child goal" }), "new-goal");
  }
  if (kind === "KeyResult" && root.createCampaigns) {
    add("New campaign", () => campaignForm({ startDate: start, endDate: addDays(start, 30),
      status: "PLANNED", ownerTeam: myTeam(ctx.choices) }, [{ keyResultId: node.id, share: "1",
      title: node.title, goalTitle: node.goal?.title }], ctx), "new-campaign");
  }
  if ((kind === "KeyResult" || kind === "Campaign") && can.createChildren) {
    const link = kind === "KeyResult" ? { keyResultId: node.id } : { campaignId: node.id };
    const team = node.ownerTeam ?? node.goal?.ownerTeam;
    add("New task", () => createForm("Task", { dueDate: addDays(start, 14) }, link, ctx),
      "new-task");
    add("New milestone", () => createForm("Milestone", { team, startDate: start }, link, ctx),
      "new-milestone");
  }
  if (kind === "Campaign" && can.update) {
    add("Alignments", () => alignmentsForm(node, ctx), "alignments");
  }
  if (kind === "Campaign" && can.createChildren) {
    add("Add spend", () => createForm("SpendEntry", { currency: node.budget.currency },
      { campaignId: node.id }, ctx, { title: "Add spend", submit: "Add spend",
        done: "Spend recorded." }), "add-spend");
    add("Add result", () => createForm("ResultEntry", {}, { campaignId: node.id }, ctx,
      { title: "Add a result", submit: "Add result", done: "Result recorded." }), "add-result");
  }
  if (can.archive && !node.archivedAt) {
    list.push(h("button.secondary.danger", { type: "button", dataset: { action: "archive" },
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        try {
          const errors = await archiveWithUndo(node, parentOf(node), ctx.element);
          if (errors.length) ctx.fail(errors.map((error) => error.message).join(" "));
        } catch (error) {
          ctx.fail(error.message);
        }
      } }, "Archive"));
  }
  return list;
}

/**
 * The actions section of a node in the detail panel: filled once its abilities and the
 * form choices are read. `reload(notice)` reloads the panel after a change.
 */
export function nodeActions(detailNode, reload) {
  const slot = h("div.form-slot", {});
  const message = h("p.form-error", { role: "alert" });
  const row = h("p.action-buttons", {});
  const element = h("section.block.node-actions", { dataset: { testid: "node-actions" } },
    h("h3", {}, "Actions"), row, message, slot);
  const ctx = {
    element,
    reload,
    close: () => clear(slot),
    fail: (text) => { message.textContent = text; },
    open: (form) => {
      message.textContent = "";
      clear(slot, form.element);
      form.element.querySelector("input, select, textarea")?.focus();
    },
  };
  Promise.all([api.editable(detailNode.id), rootAbilities(), choices()])
    .then(([node, root, loaded]) => {
      if (!node?.viewerCan) {
        element.remove();
        return;
      }
      ctx.choices = loaded;
      const list = buttons({ ...detailNode, ...node }, node.viewerCan, root, ctx);
      if (!list.length) element.remove();
      else clear(row, list);
    })
    .catch((error) => clear(slot, errorBox(error)));
  return element;
}

/** "New goal" above the tree, for those the server lets create goals. */
export function newGoalButton(container) {
  const slot = h("div.form-slot", {});
  const box = h("div.new-goal", { dataset: { testid: "new-goal" } }, slot);
  Promise.all([rootAbilities(), choices()]).then(([root, loaded]) => {
    if (!root.createGoals) return;
    const start = today();
    const ctx = { element: box, choices: loaded, close: () => clear(slot), reload: () => {},
      open: (form) => clear(slot, form.element) };
    box.prepend(h("button.secondary", { type: "button", onclick: () => ctx.open(
      createForm("Goal", { periodStart: `${start.slice(0, 4)}-01-01`,
        periodEnd: `${start.slice(0, 4)}-12-31`, ownerTeam: myTeam(loaded) }, {}, ctx,
      { title: "New top-level goal" })) }, "New goal"));
  }).catch(() => {});
  container.prepend(box);
  return box;
}
