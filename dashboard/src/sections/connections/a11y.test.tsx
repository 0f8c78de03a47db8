import { screen } from "@testing-library/react";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, token } from "../../test/gateway";
import { contact, contactDetail } from "../contacts/fixtures";
import { alert, limits, smsAccount, whatsappAccount } from "./fixtures";
import { renderApp } from "./testing";

afterEach(() => endSession());

async function violations() {
  const result = await axe.run(document.body, {
    // jsdom lays nothing out: contrast and scrolling cannot be judged here.
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("accessibility", { timeout: 30_000 }, () => {
  it("the connections page has no serious violations", async () => {
    const paused = whatsappAccount({ status: "paused", status_reason: "token expired" });
    const sms = smsAccount();
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/channels/accounts": () => json({ items: [paused, sms], next_cursor: null }),
      "GET /api/v1/channels/alerts": () => json({ items: [alert()], next_cursor: null }),
      [`GET /api/v1/channels/accounts/${paused.id}/limits`]: () => json(limits(paused)),
      [`GET /api/v1/channels/accounts/${sms.id}/limits`]: () => json(limits(sms)),
    });
    renderApp("/connections");
    await screen.findByText("120 of 250 customers in 24 h");
    await screen.findByRole("button", { name: "Delete Vendas" });

    expect(await violations()).toEqual([]);
  });

  it("the contacts page and a contact's page have no serious violations", async () => {
    const maria = contactDetail({ name: "Maria Silva" });
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/contacts": () =>
        json({ items: [contact({ name: "Ana Souza", email: "ana@example.com" })], next_cursor: "next" }),
      [`GET /api/v1/contacts/${maria.id}`]: () => json(maria),
      "GET /api/v1/channels/accounts": () => json({ items: [], next_cursor: null }),
    });
    const view = renderApp("/contacts");
    await screen.findByRole("link", { name: "Ana Souza" });
    expect(await violations()).toEqual([]);
    view.unmount();

    renderApp(`/contacts/${maria.id}`);
    await screen.findByRole("heading", { name: "Maria Silva" });
    await screen.findByText("No conversations with this contact yet.");
    expect(await violations()).toEqual([]);
  });
});
