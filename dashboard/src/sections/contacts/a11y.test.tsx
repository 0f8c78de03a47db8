import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json } from "../../test/gateway";
import CrmSettingsPage from "../settings/crm/CrmSettingsPage";
import { renderSignedIn } from "../team/testing";
import { TAG_VIP, contact, contactDetail, field, job, tagOut } from "./fixtures";
import { crmLookups, renderApp } from "./testing";

afterEach(() => endSession());

const SLOW = { timeout: 15_000 };

async function violations() {
  const result = await axe.run(document.body, {
    // jsdom lays nothing out: contrast and scrolling cannot be judged here (the browser test does).
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const lookups = () =>
  crmLookups({
    tags: [tagOut(TAG_VIP)],
    fields: [field({ key: "plan", label: "Plan", kind: "select", options: ["gold"] })],
    count: 42,
  });

describe("contacts accessibility", { timeout: 40_000 }, () => {
  it("the list with the segment builder open and a selection has no serious violations", async () => {
    const ana = contact({ name: "Ana Souza", tags: [TAG_VIP] });
    fakeGateway({ ...lookups(), "GET /api/v1/contacts": () => json({ items: [ana, contact()], next_cursor: null }) });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("checkbox", { name: "Select Ana Souza" }, SLOW));
    await user.click(screen.getByRole("button", { name: "Filter" }));
    await user.click(screen.getByRole("button", { name: "Add a condition" }));
    await user.click(await screen.findByRole("menuitem", { name: "Custom field", hidden: true }));
    await screen.findByText("42 contacts match");

    expect(await violations()).toEqual([]);
  });

  it("a bulk action's progress with its cancel button has no serious violations", async () => {
    const ana = contact({ name: "Ana Souza" });
    const running = job({ status: "running", total: 10, processed: 4, succeeded: 4, percent: 40 });
    fakeGateway({
      ...lookups(),
      "GET /api/v1/contacts": () => json({ items: [ana], next_cursor: null }),
      "POST /api/v1/contacts/bulk": () => json(running, 202),
      [`GET /api/v1/jobs/${running.id}`]: () => json(running),
    });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("checkbox", { name: "Select Ana Souza" }, SLOW));
    await user.click(screen.getByRole("button", { name: "Actions" }));
    await user.click(await screen.findByRole("menuitem", { name: "Add tags", hidden: true }));
    const dialog = await screen.findByRole("dialog", { name: "Add tags" });
    const tags = within(dialog).getByRole("textbox", { name: "Tags" });
    await user.click(tags);
    const list = await waitFor(() => document.getElementById(tags.getAttribute("aria-controls") ?? "")!);
    await user.click(await within(list).findByRole("option", { name: "VIP", hidden: true }));
    await user.click(within(dialog).getByRole("button", { name: "Add the tags" }));
    await screen.findByRole("button", { name: "Cancel the job" });
    // The action's form has closed (its modal leaves once its transition ends).
    await waitFor(() => expect(document.querySelectorAll(".mantine-Modal-content")).toHaveLength(1));

    expect(await violations()).toEqual([]);
  });

  it("the contact page has no serious violations", async () => {
    const maria = contactDetail({ name: "Maria Silva", tags: [TAG_VIP], fields: { plan: "gold" } });
    fakeGateway({
      ...lookups(),
      [`GET /api/v1/contacts/${maria.id}`]: () => json(maria),
      "GET /api/v1/channels/accounts": () => json({ items: [], next_cursor: null }),
      [`GET /api/v1/contacts/${maria.id}/consent`]: () =>
        json({
          contact_id: maria.id,
          marketing_requires_consent: true,
          channels: ["whatsapp", "sms", "email"].map((channel) => ({
            channel, status: null, source: null, actor_user_id: null, occurred_at: null, may_market: false,
          })),
          history: { items: [], next_cursor: null },
        }),
      [`GET /api/v1/contacts/${maria.id}/timeline`]: () => json({ items: [], next_cursor: null }),
      "GET /api/v1/leads": () => json({ items: [], next_cursor: null }),
    });
    renderApp(`/contacts/${maria.id}`);
    await screen.findByRole("table", { name: "Consent per channel" }, SLOW);
    await screen.findByRole("textbox", { name: "Plan" });
    await screen.findByText("Nothing happened yet.");

    expect(await violations()).toEqual([]);
  });

  it("the import wizard's first step has no serious violations", async () => {
    fakeGateway(lookups());
    renderApp("/contacts/import");
    await screen.findByRole("button", { name: /CSV file/ }, SLOW);

    expect(await violations()).toEqual([]);
  });

  it("the crm settings have no serious violations", async () => {
    fakeGateway({
      ...lookups(),
      "GET /api/v1/crm/settings": () =>
        json({
          default_country: "BR",
          marketing_requires_consent: true,
          opt_out_keywords: ["PARAR"],
          opt_in_keywords: ["VOLTAR"],
          opt_out_reply: null,
          opt_in_reply: null,
          updated_at: null,
        }),
    });
    renderSignedIn(<CrmSettingsPage />);
    await screen.findByRole("textbox", { name: "Opt-out keywords" }, SLOW);
    await screen.findByText("VIP");

    expect(await violations()).toEqual([]);
  });
});
