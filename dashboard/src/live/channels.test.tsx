import { act, cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../App";
import type { ChannelAlert } from "../api/channels";
import { endSession } from "../auth/session";
import { alert, limits, whatsappAccount } from "../sections/connections/fixtures";
import { fakeGateway, json, token } from "../test/gateway";
import { fakeWebSockets, lastSocket } from "./fakeSocket";

afterEach(() => {
  cleanup();
  endSession();
});

describe("channel alerts over the live socket", { timeout: 30_000 }, () => {
  it("toasts an expired token wherever the user is and shows it on the number at once", async () => {
    const sales = whatsappAccount();
    let alerts: ChannelAlert[] = [];
    fakeWebSockets();
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/channels/accounts": () => json({ items: [sales], next_cursor: null }),
      "GET /api/v1/channels/alerts": () => json({ items: alerts, next_cursor: null }),
      [`GET /api/v1/channels/accounts/${sales.id}/limits`]: () => json(limits(sales)),
    });
    render(<App initialPath="/connections" />);
    const card = await screen.findByRole("article", { name: "Vendas" });
    expect(within(card).queryByRole("group", { name: "Alerts for Vendas" })).not.toBeInTheDocument();
    const socket = lastSocket();
    expect(socket.url.searchParams.get("topics")?.split(",")).toContain("channels.alerts.v1");
    act(() => socket.open());

    const expired = alert({ occurred_at: new Date().toISOString() });
    alerts = [expired];
    act(() =>
      socket.receive({
        id: "evt-alert-1",
        type: "channels.alerts.v1",
        topic: "channels.alerts.v1",
        tenantid: "0c9d7f3e-1f55-4a8e-9b8e-2b7a0e5f9c22",
        time: expired.occurred_at,
        data: expired,
      }),
    );

    expect(await screen.findByText("A connection needs attention")).toBeInTheDocument();
    const group = await within(card).findByRole("group", { name: "Alerts for Vendas" });
    expect(within(group).getByText(/enter a new access token/)).toBeInTheDocument();
  });
});
